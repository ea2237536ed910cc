"""The gevent server's overrides: Engine.IO pings on timers, and a connection handler with bounds.

Replaces or extends, in gevent mode only:
- python-engineio 4.15.1 `engineio/socket.py` `Socket.schedule_ping` (and the `_send_ping` task it
  starts): upstream sleeps out each socket's ping interval in a task of its own, a third task with
  its stack per connected resident. A timer on the event loop does the same wait for a fraction of
  the memory (2,000 connections: ~11 MB). Same protocol: the ping goes out after `ping_interval`,
  and a missing pong is still caught by Engine.IO's own check. Keep while upstream sleeps in a task.
- gevent-websocket 0.10.1 `geventwebsocket/handler.py` `WebSocketHandler` (itself gevent 26.9's
  `gevent/pywsgi.py` `WSGIHandler`), subclassed:
  - a read buffer sized for this protocol (gevent's default is 8 KB per connection; 2,000
    connections: 4 MB less resident);
  - H1: every socket has a read timeout, and the request line and the headers must each arrive
    within `HEADER_TIMEOUT` (a slow-loris client is dropped, never holds a pool slot for good);
  - `Connection: close` in the response whenever the connection will close (pywsgi closes after a
    request that asked for it but says so only to HTTP/1.0 clients, so Node's keep-alive agent reused
    a closed socket: "socket hang up" on every second request); and such a response skips
    pywsgi's `Input._discard`, which reads out an unread body first (an oversized POST's 10 MB that
    never come would hold the pool slot until the read timeout).
- gevent-websocket 0.10.1 `geventwebsocket/websocket.py` `WebSocket.read_frame`, copied into
  `LimitedWebSocket` with a size check before the payload is read (M6: upstream reads any frame
  whole, with no limit at all), and made the class `WebSocketHandler.upgrade_connection` builds
  (`geventwebsocket.handler.WebSocket`). Drop when gevent-websocket has a message size limit.
"""
from __future__ import annotations

import time
from typing import Any

from engineio import packet
from engineio import socket as eio_socket
from geventwebsocket import websocket as gws
from geventwebsocket.exceptions import ProtocolError

from pact.patches.websocket_frames import GuardedWebSocket

UPSTREAM = {
    ("engineio.socket", "Socket.schedule_ping"): "ad28edec571600f6",
    ("engineio.socket", "Socket._send_ping"): "8239008968c03f48",
    ("gevent.pywsgi", "WSGIHandler.start_response"): "1ce930757d3647dd",
    ("gevent.pywsgi", "Input._discard"): "59486b3241415ec4",
    ("geventwebsocket.websocket", "WebSocket.read_frame"): "a424c013bf274139",
    ("geventwebsocket.handler", "WebSocketHandler.upgrade_connection"): "104378d01053d42d",
}


def pings_on_timers() -> None:
    """Swap Engine.IO's ping task for an event-loop timer (call once the process is monkey-patched)."""
    from gevent import get_hub

    def schedule_ping(sock: Any) -> None:
        if sock.last_ping:  # as Engine.IO: only once the previous ping cycle has completed
            sock.last_ping = None
            timer = get_hub().loop.timer(sock.server.ping_interval)
            timer.start(_send_ping, sock, timer)

    def _send_ping(sock: Any, timer: Any) -> None:  # runs in the event loop: must not block (a queue put does not)
        timer.close()
        if not sock.closing and not sock.closed:
            sock.last_ping = time.time()
            sock.send(packet.Packet(packet.PING))

    eio_socket.Socket.schedule_ping = schedule_ping


def connection_handler(*, read_buffer: int, read_timeout: float, header_timeout: float) -> type:
    """gevent-websocket's handler with a small read buffer, read timeouts and honest `Connection`."""
    import gevent
    from geventwebsocket.handler import WebSocketHandler

    class Handler(WebSocketHandler):
        def __init__(self, sock: Any, address: Any, server: Any, rfile: Any = None) -> None:
            sock.settimeout(read_timeout)
            super().__init__(sock, address, server, rfile if rfile is not None else sock.makefile("rb", read_buffer))

        def read_requestline(self) -> Any:
            with gevent.Timeout(header_timeout, False):  # False: on time-out leave the block quietly
                return super().read_requestline()
            return None  # pywsgi closes a connection that sent no request line

        def read_request(self, raw_requestline: str) -> Any:
            try:
                with gevent.Timeout(header_timeout):
                    return super().read_request(raw_requestline)
            except gevent.Timeout:
                raise ValueError("headers took too long") from None  # pywsgi answers 400 and closes

        def start_response(self, status: str, headers: list, exc_info: Any = None) -> Any:
            if self.close_connection and not any(name.lower() == "connection" for name, _ in headers):
                headers = [*headers, ("Connection", "close")]
            writer = super().start_response(status, headers, exc_info)
            if self.close_connection:
                # The connection closes after this response: don't read out an unread body first
                # (pywsgi's `Input._discard` would wait for the 10 MB an oversized POST announced).
                self.wsgi_input._chunked_input_error = True
            return writer

    return Handler


class GuardedGeventWebSocket(GuardedWebSocket):
    """gevent mode: Engine.IO's gevent-websocket wrapper (same interface), frames bounded by
    `LimitedWebSocket`; writes pre-built frames (gevent_broadcast.py) as they are, and says when
    its writer is mid-write so a broadcast never writes into the middle of a frame."""

    writing = False

    def __init__(self, handler: Any, server: Any) -> None:
        self.app = handler

    def __call__(self, environ: dict, start_response: Any) -> Any:
        """Serve Engine.IO's WebSocket on gevent-websocket's socket; an error in Engine.IO's handler ends this
        socket only."""
        if "wsgi.websocket" not in environ:
            raise RuntimeError("the gevent server must use gevent-websocket's handler (pact/server.py)")
        self._sock = environ["wsgi.websocket"]
        self.environ = environ
        self.version, self.path = self._sock.version, self._sock.path
        self.origin, self.protocol = self._sock.origin, self._sock.protocol
        self._raw = self._sock.handler.socket  # gevent's socket; its `_sock` is the real one
        engine_socket = getattr(self.app, "__self__", None)  # the bound Socket._websocket_handler
        if engine_socket is not None:
            engine_socket.pact_ws = self
        try:
            return self.app(self)
        except Exception:
            self._ended_by_error()
            return []
        finally:
            if engine_socket is not None:
                engine_socket.pact_ws = None

    def close(self) -> None:
        """Close the WebSocket unless it is closed already."""
        if not self._sock.closed:
            self._sock.close()

    def send(self, message: Any) -> None:
        """Write a message, or a pre-built broadcast frame as it is; `writing` is set meanwhile."""
        from pact.patches.gevent_broadcast import Framed

        self.writing = True
        try:
            if isinstance(message, Framed):
                if self._sock.closed:
                    raise gws.WebSocketError("closed")
                self._sock.raw_write(message)
            else:
                self._sock.send(message)
        finally:
            self.writing = False

    def try_write(self, frame: bytes) -> int:
        """Write what the kernel takes now, without blocking; returns the bytes written."""
        if self._sock.closed:
            return 0
        try:
            return self._raw._sock.send(frame)  # the real, non-blocking socket under gevent's
        except (BlockingIOError, InterruptedError):
            return 0
        except OSError:
            return 0  # the writer meets the same error and ends the connection

    def _receive(self) -> Any:
        return self._sock.receive()


class MessageTooBig(ProtocolError):
    """A WebSocket message longer than the limit (gevent-websocket closes with 1002)."""


class LimitedWebSocket(gws.WebSocket):
    """gevent-websocket's WebSocket whose frames count against `max_message_size` before their
    payload is read: a 50 MB frame is refused after its 10-byte header."""

    __slots__ = ("_message_bytes",)
    max_message_size = 64 * 1024  # set from MAX_HTTP_BUFFER_SIZE by limit_frames()

    def read_frame(self) -> tuple[gws.Header, bytes]:
        """Read one frame, refusing it (MessageTooBig) after its header when the message would pass the limit."""
        header = gws.Header.decode_header(self.stream)
        if header.flags:
            raise ProtocolError
        if header.opcode in (self.OPCODE_TEXT, self.OPCODE_BINARY):
            self._message_bytes = 0
        if header.opcode in (self.OPCODE_TEXT, self.OPCODE_BINARY, self.OPCODE_CONTINUATION):
            self._message_bytes = getattr(self, "_message_bytes", 0) + header.length
            if self._message_bytes > self.max_message_size:
                raise MessageTooBig(f"message over {self.max_message_size} bytes")
        if not header.length:
            return header, b""
        try:
            payload = self.raw_read(header.length)
        except Exception:
            payload = b""
        if len(payload) != header.length:
            raise gws.WebSocketError("Unexpected EOF reading frame payload")
        if header.mask:
            payload = header.unmask_payload(payload)
        return header, payload


def limit_gevent_websocket(max_message_size: int) -> None:
    """Make gevent-websocket's handler build `LimitedWebSocket`s bounded by `max_message_size`."""
    import geventwebsocket.handler

    LimitedWebSocket.max_message_size = max_message_size
    geventwebsocket.handler.WebSocket = LimitedWebSocket
