"""The Socket.IO client manager: which sockets are in which rooms and, with a message queue, the
Redis pub/sub that carries events between processes. Ours is python-socketio's, plus a hook that
shows every event delivered to a room on this process to the snapshot cache (snapshots.py), an
index of each socket's rooms (so a disconnect does not scan them all), and a JSON-only packet.

With Redis, python-socketio's `PubSubManager` publishes an emit and delivers it locally when it
comes back from Redis (`_handle_emit`), on every process alike; both paths end in `Manager.emit`,
so the hook sits just above it: `_RedisManager`'s method order is RedisManager → PubSubManager →
_Manager → RoomIndex → Manager.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import orjson
import socketio
from socketio.packet import Packet

from pact.patches.socketio_manager import RoomIndex

Observer = Callable[[str, "str | None"], None]


class _Json:
    """Encode with orjson: a join storm encodes two snapshots per resident, and a 60-issue snapshot
    takes 16 µs against the standard library's 152 µs. Decode with the standard library, whose
    view of odd input (huge numbers, NaN) the payload checks in payloads.py were written against."""

    @staticmethod
    def dumps(data: Any, **_options: Any) -> str:
        return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS).decode()

    loads = staticmethod(json.loads)


class JsonPacket(Packet):
    """Socket.IO packets without binary attachments: nothing in this protocol is binary, and
    checking for it walked every dict of every payload (a snapshot has hundreds) on every send."""

    uses_binary_events = False
    json = _Json


class _Manager(RoomIndex, socketio.Manager):
    """python-socketio's in-memory manager, plus the snapshot cache's hook on every delivered event
    and an index of each socket's rooms (pact/patches/socketio_manager.py: a disconnect no longer
    scans every room)."""

    observer: Observer | None = None

    def emit(self, event: str, data: Any, namespace: str, room: str | None = None, skip_sid=None,
             callback=None, to: str | None = None, **kwargs: Any):
        if self.observer is not None:
            self.observer(event, to or room)
        return super().emit(event, data, namespace, room=room, skip_sid=skip_sid, callback=callback, to=to, **kwargs)


class _RedisManager(socketio.RedisManager, _Manager):
    pass


def client_manager(message_queue: str | None, observer: Observer) -> socketio.Manager:
    """The manager for `socketio.init_app`: in memory for one process, Redis pub/sub for several."""
    if not message_queue:
        manager = _Manager()
    elif message_queue.startswith(("redis://", "rediss://")):
        manager = _RedisManager(message_queue, channel="flask-socketio")
    else:
        raise RuntimeError("PACT_MESSAGE_QUEUE must be a redis:// or rediss:// address (see docs/deploy.md).")
    manager.observer = observer
    return manager
