"""H1: an oversized or malformed long-polling request is answered at once and frees its worker.

Replaces nothing upstream but wraps python-engineio 4.15.1's `engineio/socket.py`
`Socket.handle_post_request`, and puts a WSGI guard in front of `engineio/server.py`
`Server.handle_request`.

Why: upstream answers a POST whose `Content-Length` is over `max_http_buffer_size` (or whose body
holds an unknown packet type) by raising an `EngineIOError`, and `handle_request` then calls
`Server.disconnect(sid)`, which closes the socket with `wait=True`: `Socket.close` blocks on
`queue.join()` until a long-polling GET drains the queue. An attacker never sends that GET, so the
thread (threading mode) or pool slot (gevent) is parked for good. Still so in 4.15.1, the newest
release (checked 2026-12-01): drop `close_without_waiting` when upstream closes without waiting.

The guard answers, before Engine.IO reads anything:
- 413 for a POST with `Content-Length` over `max_http_buffer_size`;
- 400 for a POST without a numeric `Content-Length` (chunked bodies included);
- 400 for a payload Engine.IO could not parse, or one carrying binary packets (this protocol is
  JSON only; the socket is closed, as upstream does for a bad payload).
Every refusal says `Connection: close`, so an unread body is never taken for the next request.
"""
from __future__ import annotations

import io
import urllib.parse
from collections.abc import Callable, Iterable
from typing import Any

from engineio import exceptions
from engineio import socket as eio_socket

from pact.patches.websocket_frames import refusal_of_packet

UPSTREAM = {("engineio.socket", "Socket.handle_post_request"): "2803b6d94a5d1ed8"}


_SEPARATOR = "\x1e"  # between packets in a polling payload


def close_without_waiting() -> None:
    """Close the socket (without waiting for a GET) before Engine.IO's own `disconnect` waits."""
    if getattr(eio_socket.Socket.handle_post_request, "_pact_patched", False):
        return
    upstream = eio_socket.Socket.handle_post_request

    def handle_post_request(self: Any, environ: dict) -> None:
        try:
            upstream(self, environ)
        except exceptions.EngineIOError:
            self.close(wait=False, abort=True, reason=self.server.reason.TRANSPORT_ERROR)
            raise

    handle_post_request._pact_patched = True  # type: ignore[attr-defined]
    eio_socket.Socket.handle_post_request = handle_post_request


def refusal_of(payload: str) -> str | None:
    """Why a long-polling payload is refused, or None: each packet a known type, none binary
    (a base64 `b…` packet is binary too)."""
    for encoded in payload.split(_SEPARATOR):
        reason = refusal_of_packet(encoded)
        if reason is not None:
            return reason
    return None


class PollingGuard:
    """WSGI middleware in front of Engine.IO: refuse what would park a worker, at once."""

    def __init__(self, app: Callable, eio: Any, path: str = "/socket.io") -> None:
        self.app, self.eio, self.path = app, eio, path

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        """Pass everything but an Engine.IO long-polling POST through; refuse a bad one at once with a plain-text
        400 or 413."""
        if environ.get("REQUEST_METHOD") != "POST" or not environ.get("PATH_INFO", "").startswith(self.path):
            return self.app(environ, start_response)
        refused = self._check_post(environ)
        if refused is None:
            return self.app(environ, start_response)
        status, reason = refused
        body = reason.encode()
        start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
                                ("Connection", "close")])
        return [body]

    def _check_post(self, environ: dict) -> tuple[str, str] | None:
        raw_length = environ.get("CONTENT_LENGTH") or ""
        if environ.get("HTTP_TRANSFER_ENCODING") or not raw_length.isdigit():
            return "400 BAD REQUEST", "a Content-Length is required"
        length = int(raw_length)
        if length > self.eio.max_http_buffer_size:
            self._close(environ)
            return "413 REQUEST ENTITY TOO LARGE", "payload too large"
        sid = self._sid(environ)
        if sid is None or sid not in self.eio.sockets:
            return None  # Engine.IO answers 400 itself, without reading the body
        body = environ["wsgi.input"].read(length)
        try:
            reason = refusal_of(body.decode("utf-8")) if len(body) == length else "incomplete body"
        except UnicodeDecodeError:
            reason = "malformed packet"
        if reason is not None:
            self._close(environ)
            return "400 BAD REQUEST", reason
        environ["wsgi.input"] = io.BytesIO(body)
        return None

    @staticmethod
    def _sid(environ: dict) -> str | None:
        values = urllib.parse.parse_qs(environ.get("QUERY_STRING", "")).get("sid")
        return values[0] if values else None

    def _close(self, environ: dict) -> None:
        sid = self._sid(environ)
        socket = self.eio.sockets.get(sid) if sid else None
        if socket is not None:
            socket.close(wait=False, abort=True, reason=self.eio.reason.TRANSPORT_ERROR)
            self.eio.sockets.pop(sid, None)
