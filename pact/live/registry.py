"""Which sockets are in the rooms we may have to close (a staff account's, a participant's), across
every process.

Room membership in python-socketio is per process, but `disconnect(sid)` travels through the message
queue. With a queue configured, sockets of these rooms are also recorded in Redis, so signing out,
losing access or being removed closes that person's sockets on every process at once — a former
officer's socket elsewhere must not keep receiving the staff room's held posts.
"""
from __future__ import annotations

import logging

log = logging.getLogger(__name__)

KEY = "pact:live:room-sockets:"
TTL_SECONDS = 24 * 3600  # a process that crashed leaves stale ids; disconnecting those is harmless


class RoomRegistry:
    """Redis sets of socket ids per closable room (a no-op without a client; Redis errors are logged, not raised)."""
    def __init__(self, client=None) -> None:
        """`client`: the process's shared Redis client (pact/redis_client.py), or None."""
        self.redis = client

    def add(self, room: str, sid: str) -> None:
        """Record that socket `sid` is in `room` (kept a day at most)."""
        self._try(lambda r: r.pipeline().sadd(KEY + room, sid).expire(KEY + room, TTL_SECONDS).execute())

    def discard(self, rooms: list[str], sid: str) -> None:
        """Forget socket `sid` in each of `rooms` (it disconnected)."""
        self._try(lambda r: [r.srem(KEY + room, sid) for room in rooms])

    def sids(self, room: str) -> set[str]:
        """Every socket in `room` on any process (empty without Redis: the local room then decides)."""
        return set(self._try(lambda r: r.smembers(KEY + room)) or ())

    def _try(self, action):
        if self.redis is None:
            return None
        try:
            return action(self.redis)
        except Exception as exc:  # Redis down: the local process still closes its own sockets
            log.warning("room registry unavailable: %s", exc.__class__.__name__)
            return None
