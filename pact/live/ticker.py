"""Coalesced broadcasts: tallies and presence go out at most every interval per meeting.

Votes only mark a meeting dirty. A background task wakes every TALLY_INTERVAL, reads each dirty
meeting's counts with one query, and sends only the counts that changed since the last send. The
interval grows with the room so a process stays within its message budget (messages = recipients
× broadcasts): a room with `n` people on this process gets a tally at most every
`n / BROADCAST_BUDGET` seconds, and `presence` at most every PRESENCE_INTERVAL (also stretched by room size), so a storm
of joins costs a few broadcasts, not one per join.

Several processes (a message queue): each process sends tallies and presence to *its own* sockets
only (`broadcast.*_here`), computed from the database and from Redis. A vote bumps the meeting's
tally version in Redis (once per tick, not per vote); the other processes see the new version on
their next tick and recount (and every RECOUNT_SECONDS anyway, in case a process died before
telling). So each process runs one count query per changed room per interval,
however many votes arrived or clients listen, and no message crosses Redis twice. If Redis is
unreachable, each process recounts its rooms every interval (tallies stay right everywhere) and,
when Redis answers again, asks its clients to resynchronise (they may have missed posts).
The task stops after a quiet spell with nobody connected, and starts again on the next change.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from flask import Flask

from pact.extensions import db, socketio
from pact.live.memory import Trimmer
from pact.live.presence import Presence, SharedCounts
from pact.patches.socketio_listener import reconnect_queue_listener
from pact.services import services

if TYPE_CHECKING:
    from redis import Redis

log = logging.getLogger(__name__)
IDLE_STOP_SECONDS = 5.0
HEARTBEAT_SECONDS = 2.0
RECOUNT_SECONDS = 5.0  # with several processes: recount every watched room this often, whatever Redis said


class Ticker:
    """The background task that sends coalesced `tallies` and `presence` per meeting (see the module's docstring)."""
    def __init__(self, app: Flask, client: Redis | None = None) -> None:
        cfg = app.config
        self.app = app
        self.interval: float = max(0.01, cfg["TALLY_INTERVAL"])
        self.coalesce: bool = bool(cfg.get("COALESCE_TALLIES", True)) and cfg["TALLY_INTERVAL"] > 0
        self.budget: int = cfg.get("BROADCAST_BUDGET", 20000)
        self.presence_interval: float = cfg.get("PRESENCE_INTERVAL", 1.0)
        self.presence = Presence()
        self.memory = Trimmer(cfg.get("MEMORY_TRIM_INTERVAL", 1.0))
        self.shared = SharedCounts(client, cfg.get("PRESENCE_TTL", 15)) if client is not None else None
        self.queue_ok = True  # last known state of the shared Redis (health check reads it)
        self._lock = threading.Lock()
        self._dirty: set[int] = set()  # meetings to recount
        self._bumped: set[int] = set()  # meetings whose votes changed here (to tell other processes)
        self._versions: dict[int, int] = {}
        self._last_sent: dict[int, dict[int, int]] = {}
        self._next_due: dict[int, float] = {}
        self._totals: dict[int, int] = {}  # watchers across processes, as last read
        self._announced: dict[int, int] = {}  # presence last sent to this process's sockets
        self._presence_due: dict[int, float] = {}
        self._published: dict[int, int] = {}  # this process's counts as last written to Redis
        self._next_heartbeat = 0.0
        self._next_recount = 0.0
        self._peaks: dict[int, int] = {}
        self._running = False
        self._stopped = False
        self._task = None

    # --- called by handlers after commit -------------------------------------------------------
    def mark_tallies(self, meeting_id: int) -> None:
        """The meeting's counts changed: recount on the next tick (at once when coalescing is off)."""
        with self._lock:
            self._dirty.add(meeting_id)
            self._bumped.add(meeting_id)
        if not self.coalesce:  # per-vote broadcasting, for comparison in the benchmark
            self.flush(force=True, presence=False)
        self.ensure_running()

    def reset_tallies(self, meeting_id: int) -> None:
        """After a stage change the counted kind of vote changes; resend everything next tick."""
        with self._lock:
            self._last_sent.pop(meeting_id, None)
            self._dirty.add(meeting_id)
            self._bumped.add(meeting_id)
        self.ensure_running()

    def watching(self, meeting_id: int) -> int:
        """Watchers across all processes as last read (this process's own count if higher)."""
        return max(self.presence.watching(meeting_id), self._totals.get(meeting_id, 0))

    def counts_sent(self, meeting_id: int) -> dict[int, int] | None:
        """The counts this process last sent the meeting's room (None before the first `tallies`).
        A socket that has just entered the room gets these, then every change after them."""
        return self._last_sent.get(meeting_id)

    def ensure_running(self) -> None:
        """Start the background task unless it runs already (or was stopped for good)."""
        with self._lock:
            if self._running or self._stopped:
                return
            self._running = True
        self._task = socketio.start_background_task(self._run)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the loop for good (app shutdown, end of a test) and wait for it to finish."""
        with self._lock:
            self._stopped = True
        task = self._task
        if task is not None and hasattr(task, "join"):
            task.join(timeout)

    # --- the loop -------------------------------------------------------------------------------
    def _run(self) -> None:
        idle_since = time.monotonic()
        while not self._stopped:
            socketio.sleep(self.interval)
            try:
                busy = self.flush() or self.presence.connections()
            except Exception:  # a dropped database connection: log it, keep ticking
                log.exception("tally ticker: flush failed; retrying")
                socketio.sleep(1.0)
                continue
            if busy:
                idle_since = time.monotonic()
                self.memory.release()
            elif time.monotonic() - idle_since > IDLE_STOP_SECONDS:
                with self._lock:
                    if not self._dirty and not self.presence.changed:
                        self._running = False
                        return
        with self._lock:
            self._running = False

    def room_interval(self, meeting_id: int) -> float:
        """The budget is this process's: it sends only to its own sockets, so count only those
        (4,000 watchers over two processes are 2,000 recipients each, not 4,000)."""
        return max(self.interval, self.presence.watching(meeting_id) / self.budget)

    def flush(self, *, force: bool = False, presence: bool = True) -> bool:
        """Send what is due; returns True when anything was pending."""
        from pact.live import broadcast

        now = time.monotonic()
        if presence:
            self._exchange(now)
        with self._lock:
            due = {m for m in self._dirty if force or self._next_due.get(m, 0) <= now}
            self._dirty -= due
            pending_left = bool(self._dirty)
        announce = self._presence_to_announce(now) if presence else {}
        if not due and not announce:
            return pending_left
        with self.app.app_context():
            try:
                counted = {meeting_id: self._changed_counts(meeting_id) for meeting_id in due}
                db.session.rollback()  # read done: hold no transaction while emitting
                for meeting_id, changed in counted.items():
                    if changed:
                        broadcast.tallies_here(meeting_id, changed)
                    self._next_due[meeting_id] = now + self.room_interval(meeting_id)
                for meeting_id, watching in announce.items():
                    broadcast.presence_here(meeting_id, watching)
                    self._record_peak(meeting_id, watching)
            except Exception:
                db.session.rollback()
                with self._lock:  # try again next tick (a database hiccup must not lose a tally)
                    self._dirty |= due
                raise
            finally:
                db.session.remove()
        return True

    def _exchange(self, now: float) -> None:
        """Tell Redis what changed here and learn what changed elsewhere (one round trip)."""
        mine = self.presence.counts()
        changed_here = self.presence.take_changed()
        watched = set(mine)
        if self.shared is None:
            for meeting_id in changed_here:
                self._totals[meeting_id] = mine.get(meeting_id, 0)
            return
        heartbeat = now >= self._next_heartbeat
        with self._lock:
            bumped, self._bumped = self._bumped, set()
        gone = {m for m in self._published if m not in mine}
        people = self.presence.people((watched if heartbeat else changed_here & watched) | gone)
        read_presence = heartbeat or bool(changed_here) or any(now >= self._presence_due.get(m, 0) for m in watched)
        try:
            versions, totals = self.shared.sync(bumped, people, heartbeat, watched, read_presence)
        except Exception as exc:  # Redis stopped: count locally, poll the database, resync later
            if self.queue_ok:
                log.warning("message queue unreachable (%s); live rooms continue on this process only", exc)
            self.queue_ok = False
            self.shared.resend()  # what reached Redis is unknown: write whole sets when it answers
            with self._lock:
                self._bumped |= bumped
                self._dirty |= watched
                self.presence.changed |= changed_here
            for meeting_id in watched | changed_here:
                self._totals[meeting_id] = mine.get(meeting_id, 0)
            return
        if heartbeat:
            self._next_heartbeat = now + HEARTBEAT_SECONDS
        if now >= self._next_recount:
            # A process that dies between committing votes and its next tick never bumps their
            # version: without this, the other processes' rooms would keep the old counts.
            self._next_recount = now + RECOUNT_SECONDS
            with self._lock:
                self._dirty |= watched
        self._published = dict(mine)
        recovered = not self.queue_ok
        self.queue_ok = True
        with self._lock:
            for meeting_id, version in versions.items():
                if self._versions.get(meeting_id) != version:
                    self._versions[meeting_id] = version
                    self._dirty.add(meeting_id)
        self._totals.update(totals)
        for meeting_id in gone:
            self._totals.pop(meeting_id, None)
        if recovered:
            from pact.live import broadcast

            log.warning("message queue reachable again; asking this process's clients to resynchronise")
            services(self.app).snapshots.clear()  # events from other processes were lost
            reconnect_queue_listener()
            for meeting_id in watched:
                broadcast.resync_here(meeting_id)

    def _presence_to_announce(self, now: float) -> dict[int, int]:
        announce = {}
        for meeting_id, total in list(self._totals.items()):
            if self._announced.get(meeting_id) == total or now < self._presence_due.get(meeting_id, 0):
                continue
            if not self.presence.watching(meeting_id):
                self._announced.pop(meeting_id, None)
                continue  # nobody here to tell
            announce[meeting_id] = self._announced[meeting_id] = total
            local = self.presence.watching(meeting_id)
            self._presence_due[meeting_id] = now + max(self.presence_interval, 10 * local / self.budget)
        return announce

    def _record_peak(self, meeting_id: int, watching: int) -> None:
        from sqlalchemy import update

        from pact.models import Meeting

        if watching <= self._peaks.get(meeting_id, 0):
            return
        self._peaks[meeting_id] = watching
        db.session.execute(
            update(Meeting).where(Meeting.id == meeting_id, Meeting.peak_watching < watching).values(peak_watching=watching)
        )
        db.session.commit()

    def _changed_counts(self, meeting_id: int) -> dict[int, int]:
        """Counts that differ from what this process last sent (a vanished count becomes 0)."""
        from pact.meetings.snapshot import counts_for
        from pact.models import Meeting

        meeting = db.session.get(Meeting, meeting_id)
        if meeting is None:
            return {}
        counts = counts_for(meeting)
        last = self._last_sent.get(meeting_id, {})
        changed = {issue_id: n for issue_id, n in counts.items() if last.get(issue_id) != n}
        changed.update({issue_id: 0 for issue_id in last if issue_id not in counts})
        self._last_sent[meeting_id] = counts
        return changed
