"""Who is watching: connected participants per meeting, counted once per person, not per tab.

`Presence` counts this process's sockets. With a message queue, `SharedCounts` adds the other
processes: each process writes its own count per meeting into Redis (one hash field per process)
with a heartbeat, and reads the sum. A process that crashes stops its heartbeat, so its watchers
stop counting after PRESENCE_TTL seconds. The same Redis also carries a tally version per meeting,
so a vote on one process makes the others recount on their next tick. A person with tabs on two
processes counts twice: rare, and cheaper than a shared set of every watcher.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections import defaultdict

log = logging.getLogger(__name__)


class Presence:
    """In-process record of sockets per meeting. Counts change quietly; the ticker announces them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: dict[str, tuple[int, int]] = {}  # sid → (meeting_id, participant_id)
        self._people: dict[int, defaultdict[int, int]] = {}  # meeting_id → participant_id → sockets
        self.changed: set[int] = set()

    def add(self, sid: str, meeting_id: int, participant_id: int) -> None:
        with self._lock:
            self._discard(sid)
            self._sockets[sid] = (meeting_id, participant_id)
            self._people.setdefault(meeting_id, defaultdict(int))[participant_id] += 1
            self.changed.add(meeting_id)

    def remove(self, sid: str) -> int | None:
        """Forget a socket; returns the meeting it was watching, if any."""
        with self._lock:
            return self._discard(sid)

    def _discard(self, sid: str) -> int | None:
        entry = self._sockets.pop(sid, None)
        if entry is None:
            return None
        meeting_id, participant_id = entry
        people = self._people[meeting_id]
        people[participant_id] -= 1
        if people[participant_id] <= 0:
            del people[participant_id]
        if not people:
            del self._people[meeting_id]
        self.changed.add(meeting_id)
        return meeting_id

    def watching(self, meeting_id: int) -> int:
        with self._lock:
            return len(self._people.get(meeting_id, ()))

    def counts(self) -> dict[int, int]:
        """Watchers per meeting on this process."""
        with self._lock:
            return {meeting_id: len(people) for meeting_id, people in self._people.items()}

    def connections(self) -> int:
        with self._lock:
            return len(self._sockets)

    def sids_of(self, participant_id: int) -> list[str]:
        with self._lock:
            return [sid for sid, (_, pid) in self._sockets.items() if pid == participant_id]

    def take_changed(self) -> set[int]:
        with self._lock:
            changed, self.changed = self.changed, set()
            return changed


class SharedCounts:
    """Per-process presence counts and tally versions in Redis; every call may raise RedisError."""

    PREFIX = "pact:live:"

    def __init__(self, url: str, ttl: float) -> None:
        import redis

        self.ttl = ttl
        self.process = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        # Short timeouts: a stopped Redis must cost a tick a moment, never hold the process up.
        self.redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5, decode_responses=True)

    def _presence_key(self, meeting_id: int) -> str:
        return f"{self.PREFIX}presence:{meeting_id}"

    def _version_key(self, meeting_id: int) -> str:
        return f"{self.PREFIX}tallies:{meeting_id}"

    def ping(self) -> bool:
        return bool(self.redis.ping())

    def sync(self, bumped: set[int], mine: dict[int, int], gone: set[int], watched: set[int],
             read_presence: bool) -> tuple[dict[int, int], dict[int, int]]:
        """One round trip: publish this process's heartbeat, its counts and its tally changes;
        return (tally version per watched meeting, total watchers per watched meeting if asked)."""
        now = time.time()
        pipe = self.redis.pipeline(transaction=False)
        pipe.hset(f"{self.PREFIX}alive", self.process, now)
        for meeting_id in bumped:
            pipe.incr(self._version_key(meeting_id))
            pipe.expire(self._version_key(meeting_id), 86400)
        for meeting_id, count in mine.items():
            pipe.hset(self._presence_key(meeting_id), self.process, count)
            pipe.expire(self._presence_key(meeting_id), 86400)
        for meeting_id in gone:
            pipe.hdel(self._presence_key(meeting_id), self.process)
        order = sorted(watched)
        for meeting_id in order:
            pipe.get(self._version_key(meeting_id))
        if read_presence:
            pipe.hgetall(f"{self.PREFIX}alive")
            for meeting_id in order:
                pipe.hgetall(self._presence_key(meeting_id))
        results = pipe.execute()
        skip = 1 + 2 * len(bumped) + 2 * len(mine) + len(gone)
        versions = {m: int(v or 0) for m, v in zip(order, results[skip:skip + len(order)])}
        totals: dict[int, int] = {}
        if read_presence:
            alive = results[skip + len(order)]
            fresh = {proc for proc, beat in alive.items() if now - float(beat) <= self.ttl}
            stale = [proc for proc in alive if proc not in fresh]
            for meeting_id, fields in zip(order, results[skip + len(order) + 1:]):
                totals[meeting_id] = sum(int(n) for proc, n in fields.items() if proc in fresh)
            if stale:  # a crashed process: forget it so the hash does not grow for ever
                self.redis.hdel(f"{self.PREFIX}alive", *stale)
        return versions, totals

    def forget(self, meeting_ids: set[int]) -> None:
        """Leave cleanly (shutdown): drop this process's counts now instead of after the TTL."""
        pipe = self.redis.pipeline(transaction=False)
        for meeting_id in meeting_ids:
            pipe.hdel(self._presence_key(meeting_id), self.process)
        pipe.hdel(f"{self.PREFIX}alive", self.process)
        pipe.execute()
