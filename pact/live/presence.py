"""Who is watching: connected people per meeting, counted once per person, not per tab or process.

A person is their browser (the device cookie) when it has one, else their participant (or, for an
anonymous watcher, the socket). `Presence` counts this process's sockets by person. With a message
queue, `SharedCounts` keeps each process's set of people per meeting in Redis and counts the
union, so a browser with tabs on two processes counts once. Each process's set expires
PRESENCE_TTL seconds after its last heartbeat, so a process that crashes stops counting. The same
Redis also carries a tally version per meeting, so a vote on one process makes the others recount
on their next tick.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections import Counter

log = logging.getLogger(__name__)

# Count the union of the live processes' sets of people for one meeting, in one round trip:
# KEYS[1] the meeting's registry of processes; ARGV[1] the prefix of a process's set; ARGV[2] a
# scratch key. A process whose set has expired (it stopped) is dropped from the registry.
UNION_COUNT = """
local procs = redis.call('SMEMBERS', KEYS[1])
local keys = {}
for _, proc in ipairs(procs) do
  local key = ARGV[1] .. proc
  if redis.call('EXISTS', key) == 1 then keys[#keys + 1] = key else redis.call('SREM', KEYS[1], proc) end
end
if #keys == 0 then return 0 end
if #keys == 1 then return redis.call('SCARD', keys[1]) end
redis.call('SUNIONSTORE', ARGV[2], unpack(keys))
local n = redis.call('SCARD', ARGV[2])
redis.call('DEL', ARGV[2])
return n
"""


class Presence:
    """In-process record of sockets per meeting, by person. Counts change quietly; the ticker
    announces them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: dict[str, tuple[int, str]] = {}  # sid → (meeting_id, person)
        self._people: dict[int, Counter[str]] = {}  # meeting_id → person → sockets
        self.changed: set[int] = set()

    def add(self, sid: str, meeting_id: int, person: str) -> None:
        """`person`: `person_key(...)` of whoever holds the socket."""
        with self._lock:
            self._discard(sid)
            self._sockets[sid] = (meeting_id, person)
            self._people.setdefault(meeting_id, Counter())[person] += 1
            self.changed.add(meeting_id)

    def remove(self, sid: str) -> int | None:
        """Forget a socket; returns the meeting it was watching, if any."""
        with self._lock:
            return self._discard(sid)

    def _discard(self, sid: str) -> int | None:
        entry = self._sockets.pop(sid, None)
        if entry is None:
            return None
        meeting_id, person = entry
        people = self._people[meeting_id]
        people[person] -= 1
        if people[person] <= 0:
            del people[person]
        if not people:
            del self._people[meeting_id]
        self.changed.add(meeting_id)
        return meeting_id

    def watching(self, meeting_id: int) -> int:
        """How many people (not sockets) watch this meeting on this process."""
        with self._lock:
            return len(self._people.get(meeting_id, ()))

    def counts(self) -> dict[int, int]:
        """Watchers per meeting on this process."""
        with self._lock:
            return {meeting_id: len(people) for meeting_id, people in self._people.items()}

    def people(self, meeting_ids: set[int]) -> dict[int, set[str]]:
        """The people on this process, for each of these meetings."""
        with self._lock:
            return {m: set(self._people.get(m, ())) for m in meeting_ids}

    def connections(self) -> int:
        """How many sockets this process counts (the health check shows it)."""
        with self._lock:
            return len(self._sockets)

    def take_changed(self) -> set[int]:
        """The meetings whose counts changed since the last call (the ticker announces them)."""
        with self._lock:
            changed, self.changed = self.changed, set()
            return changed


def person_key(device_hash: str | None, participant_id: int | None = None, sid: str | None = None) -> str:
    """Who a socket counts as: the browser (device cookie) when known, else the participant, else the socket."""
    if device_hash:
        return f"d:{device_hash[:32]}"
    if participant_id is not None:
        return f"p:{participant_id}"
    return f"s:{sid}"


class SharedCounts:
    """Per-process sets of people and tally versions in Redis; every call may raise RedisError."""

    PREFIX = "pact:live:"

    def __init__(self, client, ttl: float) -> None:
        self.ttl = ttl
        self.process = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.redis = client  # the process's shared client (pact/redis_client.py): short timeouts
        self._union = client.register_script(UNION_COUNT)
        self._published: dict[int, set[str]] = {}  # this process's sets as last written to Redis

    def _people_key(self, meeting_id: int, process: str | None = None) -> str:
        return f"{self.PREFIX}people:{meeting_id}:{process or self.process}"

    def _registry_key(self, meeting_id: int) -> str:
        return f"{self.PREFIX}people:{meeting_id}"

    def _version_key(self, meeting_id: int) -> str:
        return f"{self.PREFIX}tallies:{meeting_id}"

    def ping(self) -> bool:
        """Whether Redis answers (raises when it is unreachable)."""
        return bool(self.redis.ping())

    def resend(self) -> None:
        """Redis lost or may have lost our sets (an outage): write them whole on the next sync."""
        self._published = {}

    def sync(self, bumped: set[int], people: dict[int, set[str]], heartbeat: bool, watched: set[int],
             read_presence: bool) -> tuple[dict[int, int], dict[int, int]]:
        """One round trip: write this process's changes of people (whole sets after `resend`), renew
        its sets' lifetime on `heartbeat`, bump tally versions; return (tally version per watched
        meeting, people across processes per watched meeting if asked)."""
        pipe = self.redis.pipeline(transaction=False)
        for meeting_id in bumped:
            pipe.incr(self._version_key(meeting_id))
            pipe.expire(self._version_key(meeting_id), 86400)
        ttl = max(1, int(self.ttl))
        for meeting_id, now_here in people.items():
            key, before = self._people_key(meeting_id), self._published.get(meeting_id)
            if before is None:
                pipe.delete(key)
                added, removed = now_here, set()
            else:
                added, removed = now_here - before, before - now_here
            if added:
                pipe.sadd(key, *added)
            if removed:
                pipe.srem(key, *removed)
            if added or removed or heartbeat or before is None:
                pipe.expire(key, ttl)
                pipe.sadd(self._registry_key(meeting_id), self.process)
                pipe.expire(self._registry_key(meeting_id), 86400)
        order = sorted(watched)
        for meeting_id in order:
            pipe.get(self._version_key(meeting_id))
        if read_presence:
            for meeting_id in order:
                self._union(keys=[self._registry_key(meeting_id)],
                            args=[f"{self.PREFIX}people:{meeting_id}:", f"{self._people_key(meeting_id)}:tmp"],
                            client=pipe)
        results = pipe.execute()
        for meeting_id, now_here in people.items():
            if now_here:
                self._published[meeting_id] = set(now_here)
            else:
                self._published.pop(meeting_id, None)
        tail = results[len(results) - len(order) * (2 if read_presence else 1):]
        versions = {m: int(v or 0) for m, v in zip(order, tail[:len(order)])}
        totals = {m: int(n) for m, n in zip(order, tail[len(order):])} if read_presence else {}
        return versions, totals

    def forget(self, meeting_ids: set[int]) -> None:
        """Leave cleanly (shutdown): drop this process's sets now instead of after the TTL."""
        pipe = self.redis.pipeline(transaction=False)
        for meeting_id in meeting_ids:
            pipe.delete(self._people_key(meeting_id))
            pipe.srem(self._registry_key(meeting_id), self.process)
        pipe.execute()
