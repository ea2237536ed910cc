"""Join storms: the public part of a meeting's SNAPSHOT, built once and shared by every resident
who joins while nothing the public can see has changed.

Two thousand residents joining at once used to cost two thousand full reads of the meeting (24 s
on one process, docs/performance.md); now they cost one read, and newcomers share one encoded
list of issues per change of the view or of the counts (`shared_issues`).

When is a shared `PublicView` still right? The cache watches every event this process delivers to
a meeting's public room (`manager.py`): any event but `tallies` and `presence` means the public
picture changed, and the view is dropped. That is exact with respect to what the room has been
told, on one process or many: an event from another process invalidates when it is delivered here.
A joiner records the version it was given; if an event was delivered between building that view
and the socket entering the room (so it would miss that event), the joiner reads it again.
Counts are not taken from the view once the room has been sent tallies: the joiner gets the
counts this process last sent (`Ticker.counts_sent`) and, from then on, every change. A view also
ages out after `ttl` seconds, which bounds what could be stale when no event tells (the previous
meeting's progress notes in `review`, or a change on another process while Redis was down).
"""
from __future__ import annotations

import itertools
import threading
import time
from collections import defaultdict

import orjson

from pact.extensions import db
from pact.live import rooms
from pact.meetings.snapshot import NEWCOMER, PublicView, public_view, resident_snapshot, with_counts
from pact.models import Meeting

UNCHANGING_EVENTS = frozenset({"tallies", "presence"})  # counts travel separately; presence is not content
_CACHES = itertools.count()  # tells one app's tokens from another's in a process that holds several (tests)


class SnapshotCache:
    """Per meeting, the shared `PublicView` and its version, plus the encoded issue lists built from it."""
    def __init__(self, ttl: float = 2.0) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._versions: defaultdict[int, int] = defaultdict(int)
        self._epoch = 0  # counts clear(): a meeting this process never saw an event for changes too
        self._serial = next(_CACHES)
        self._views: dict[int, tuple[int, float, PublicView]] = {}  # meeting → (version, built at, view)
        self._building: dict[int, threading.Lock] = {}
        self._encoded: dict[tuple[int, bool], tuple[PublicView, dict | None, orjson.Fragment]] = {}

    def observe(self, event: str, room: str | None) -> None:
        """Every event delivered to a room on this process passes here (see manager.py)."""
        if event in UNCHANGING_EVENTS or room is None:
            return
        meeting_id = rooms.public_meeting(room)
        if meeting_id is not None:
            with self._lock:
                self._versions[meeting_id] += 1
                self._views.pop(meeting_id, None)
                for newcomer in (True, False):
                    self._encoded.pop((meeting_id, newcomer), None)

    def clear(self) -> None:
        """Forget every view (the message queue was down: events from other processes were lost)."""
        with self._lock:
            self._epoch += 1
            for meeting_id in list(self._views):
                self._versions[meeting_id] += 1
            self._views.clear()
            self._encoded.clear()

    def version(self, meeting_id: int) -> int:
        """How many public events this process has delivered to the meeting's room (a view is good for one
        version)."""
        return self._versions[meeting_id]

    def public_version(self, meeting_id: int) -> tuple[int, int, int]:
        """A token equal for as long as nothing the public can see in the meeting has changed (as far
        as this process has been told), including lost events (`clear`): what `suggest` keys on."""
        with self._lock:
            return self._serial, self._epoch, self._versions[meeting_id]

    def view(self, meeting_id: int) -> tuple[int, PublicView]:
        """The meeting's shared view and the version it reflects (read now if none holds). One
        reader reads while the rest of a join storm waits for its result."""
        held = self._held(meeting_id)
        if held is not None:
            return held
        with self._lock:
            building = self._building.setdefault(meeting_id, threading.Lock())
        with building:
            held = self._held(meeting_id)
            if held is not None:
                return held
            version = self.version(meeting_id)
            # Reads the database: other events may be delivered meanwhile (then it is not kept).
            built = public_view(db.session.get(Meeting, meeting_id))
            with self._lock:
                if self._versions[meeting_id] == version:
                    self._views[meeting_id] = (version, time.monotonic(), built)
            return version, built

    def shared_issues(self, meeting_id: int, view: PublicView, counts: dict[int, int] | None, *,
                      newcomer: bool) -> orjson.Fragment:
        """The issues of a newcomer's (`my_vote` all false) or a watcher's SNAPSHOT, with `counts`
        (None: the view's own), encoded once for everyone until the view or the counts change."""
        key = (meeting_id, newcomer)
        with self._lock:
            held = self._encoded.get(key)
        if held is not None and held[0] is view and held[1] is counts:
            return held[2]
        state = with_counts(resident_snapshot(view, NEWCOMER if newcomer else None, watching=0), counts)
        encoded = orjson.Fragment(orjson.dumps(state["issues"]))
        with self._lock:
            self._encoded[key] = (view, counts, encoded)
        return encoded

    def _held(self, meeting_id: int) -> tuple[int, PublicView] | None:
        with self._lock:
            held = self._views.get(meeting_id)
            if held is None or held[0] != self._versions[meeting_id] or time.monotonic() - held[1] >= self.ttl:
                return None
            return held[0], held[2]

