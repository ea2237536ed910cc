"""An index of each socket's rooms for python-socketio's client manager, so a disconnect does not
scan every room.

Overrides python-socketio 5.18.1's `socketio/base_manager.py` `BaseManager.basic_enter_room`,
`basic_leave_room` and `get_rooms` (extended: they keep the index), and replaces `basic_disconnect`
(a copy of upstream's with the room scan replaced by the index; the pending-connect/disconnect
bookkeeping is upstream's, line for line).

Why: upstream `basic_disconnect` and `get_rooms` test every room of the namespace for the sid. Each
socket has a room of its own and each participant another, so 2,000 residents leaving cost millions
of membership tests, a few seconds of CPU, when a big meeting ended. Still a scan in 5.18.1, the
newest release (checked 2026-12-01); drop when upstream keeps a per-sid index.
"""
from __future__ import annotations

from typing import Any

UPSTREAM = {
    ("socketio.base_manager", "BaseManager.basic_disconnect"): "9f87e7efa609a6d8",
    ("socketio.base_manager", "BaseManager.basic_enter_room"): "fa8da34ee5ac5a9f",
    ("socketio.base_manager", "BaseManager.basic_leave_room"): "b46dc3ede458d842",
    ("socketio.base_manager", "BaseManager.get_rooms"): "89e5eb41db521e4b",
}


class RoomIndex:
    """Mix in before a python-socketio manager class: (namespace, sid) → its rooms."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._rooms_of: dict[tuple[str, str], set[str]] = {}

    def basic_enter_room(self, sid: str, namespace: str, room: str, eio_sid: str | None = None) -> None:
        """Upstream's, and remember the room under (namespace, sid)."""
        super().basic_enter_room(sid, namespace, room, eio_sid=eio_sid)  # type: ignore[misc]
        self._rooms_of.setdefault((namespace, sid), set()).add(room)

    def basic_leave_room(self, sid: str, namespace: str, room: str) -> None:
        """Upstream's, and forget the room under (namespace, sid)."""
        super().basic_leave_room(sid, namespace, room)  # type: ignore[misc]
        rooms = self._rooms_of.get((namespace, sid))
        if rooms is not None:
            rooms.discard(room)
            if not rooms:
                del self._rooms_of[(namespace, sid)]

    def get_rooms(self, sid: str, namespace: str) -> list[str]:
        """The socket's rooms from the index: no walk over every room of the namespace."""
        return [room for room in self._rooms_of.get((namespace, sid), ()) if room is not None]

    def basic_disconnect(self, sid: str, namespace: str, **kwargs: Any) -> None:
        """Upstream's `basic_disconnect`, with the room scan replaced by the index."""
        if namespace not in self.rooms:  # type: ignore[attr-defined]
            return
        for room in list(self._rooms_of.get((namespace, sid), ())):
            self.basic_leave_room(sid, namespace, room)
        self._rooms_of.pop((namespace, sid), None)
        self.callbacks.pop(sid, None)  # type: ignore[attr-defined]
        for pending in (self.pending_connect, self.pending_disconnect):  # type: ignore[attr-defined]
            if sid in pending.get(namespace, ()):
                pending[namespace].remove(sid)
                if not pending[namespace]:
                    del pending[namespace]
