"""M5 and M6 on WebSockets: frames bounded while they are read; binary and malformed packets refused.

Replaces, for this app's Engine.IO server only, the WebSocket wrappers of python-engineio 4.15.1:
`engineio/async_drivers/_websocket_wsgi.py` `SimpleWebSocketWSGI` (threading mode) and
`engineio/async_drivers/gevent.py` `WebSocketWSGI` (gevent mode, gevent-websocket), by giving the
server its own copy of the driver table (`Server._async`, private) with `websocket` swapped. In
gevent mode frames are bounded by `gevent_server.LimitedWebSocket`.

Why:
- M6. Engine.IO checks `max_http_buffer_size` only after the whole message is in memory: one 50 MB
  frame cost 104 MB of peak memory. simple-websocket has `max_message_size` (checked as wsproto hands
  over each chunk), which Engine.IO never passes; gevent-websocket has no limit at all.
- M5. This protocol is JSON only. A Socket.IO packet announcing binary attachments (`45…`/`46…`)
  made python-socketio buffer every later frame until disconnect; refused here, before Socket.IO.
- A malformed Engine.IO packet made `Socket._websocket_handler` raise out of the WSGI call, and
  Werkzeug then wrote an HTTP 500 into the open WebSocket ("FIN must be set"). Refused packets, and
  any error out of Engine.IO's handler, now end the WebSocket cleanly.
Drop when Engine.IO passes its limit to the WebSocket layer and gevent-websocket has one.
"""
from __future__ import annotations

import logging
from typing import Any

from engineio.async_drivers._websocket_wsgi import SimpleWebSocketWSGI

UPSTREAM = {
    ("engineio.async_drivers._websocket_wsgi", "SimpleWebSocketWSGI"): "4819366460d4ac9c",
    ("engineio.async_drivers.gevent", ""): "867247796743404d",
    ("engineio.socket", "Socket._websocket_handler"): "613e11f7821225c9",
}

log = logging.getLogger(__name__)
_ENGINE_TYPES = frozenset("0123456")


def refusal_of_packet(encoded: Any) -> str | None:
    """Why one Engine.IO packet is refused, or None: text, a known type, no binary attachments."""
    if not isinstance(encoded, str):
        return "binary packets are refused"
    if not encoded or encoded[0] not in _ENGINE_TYPES:
        return "malformed packet"
    if encoded[0] == "4" and encoded[1:2] in ("5", "6"):
        return "binary attachments are refused"
    return None


class GuardedWebSocket:
    """What both wrappers share: refuse a packet by ending the WebSocket (Engine.IO reads None as a
    close), and never let an error out of Engine.IO's handler reach the HTTP server."""

    def wait(self) -> Any:
        """The next message, or None (a close, for Engine.IO) when it is a packet the server refuses."""
        data = self._receive()
        if data is not None and refusal_of_packet(data):
            log.info("WebSocket closed: %s", refusal_of_packet(data))
            self.close()
            return None
        return data

    def _ended_by_error(self) -> None:
        log.info("WebSocket closed after an error in Engine.IO's handler", exc_info=True)
        try:
            self.close()
        except Exception:
            pass


class GuardedSimpleWebSocket(GuardedWebSocket, SimpleWebSocketWSGI):
    """Threading mode: simple-websocket with its own `max_message_size` set to Engine.IO's limit."""

    def __init__(self, handler: Any, server: Any, **kwargs: Any) -> None:
        super().__init__(handler, server, max_message_size=server.max_http_buffer_size, **kwargs)

    def __call__(self, environ: dict, start_response: Any) -> Any:
        """simple-websocket's, but an error in Engine.IO's handler ends this socket only."""
        try:
            return super().__call__(environ, start_response)
        except (ConnectionError, StopIteration):
            raise
        except Exception:
            self._ended_by_error()
            if getattr(getattr(self, "ws", None), "mode", None) == "werkzeug":
                raise ConnectionError() from None  # Werkzeug: the connection was taken over, write nothing
            return []

    def _receive(self) -> Any:
        return SimpleWebSocketWSGI.wait(self)


def limit_frames(eio: Any) -> None:
    """Give this Engine.IO server the guarded WebSocket wrapper for its async mode."""
    if eio.async_mode == "threading":
        websocket: Any = GuardedSimpleWebSocket
    elif eio.async_mode == "gevent":
        from pact.patches.gevent_server import GuardedGeventWebSocket, limit_gevent_websocket

        limit_gevent_websocket(eio.max_http_buffer_size)
        websocket = GuardedGeventWebSocket
    else:
        raise RuntimeError(f"no WebSocket guard for async_mode={eio.async_mode!r}")
    eio._async = {**eio._async, "websocket": websocket}
