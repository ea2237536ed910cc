"""Threading mode's request handler with bounds (H1): read timeouts and a deadline for headers.

Extends Werkzeug 3.1.9's `werkzeug/serving.py` `WSGIRequestHandler` (whose `handle` is upstream's
below), which by default waits for ever on a client that opened a connection and sends nothing, or
one byte a minute. Every connection gets a read timeout (`StreamRequestHandler.timeout`), and the
request line and headers must arrive within `HEADER_TIMEOUT`: one watchdog thread shuts the
socket down at the deadline, so the handler's read returns and its thread ends.
"""
from __future__ import annotations

import heapq
import itertools
import socket
import threading
import time
from typing import Any

from werkzeug.serving import WSGIRequestHandler

UPSTREAM = {("werkzeug.serving", "WSGIRequestHandler.handle"): "db7de4f1ec48d2b7"}


class Deadlines:
    """One thread that shuts sockets down when their deadline passes, unless disarmed first."""

    def __init__(self) -> None:
        self._heap: list[list[Any]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def arm(self, sock: socket.socket, seconds: float) -> list[Any]:
        """Shut `sock` down in `seconds` unless the returned entry is disarmed first."""
        entry = [time.monotonic() + seconds, next(self._order), sock, True]
        with self._wake:
            heapq.heappush(self._heap, entry)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="pact-header-deadlines", daemon=True)
                self._thread.start()
            self._wake.notify()
        return entry

    @staticmethod
    def disarm(entry: list[Any]) -> None:
        """The request line and headers arrived in time: keep the socket."""
        entry[3] = False

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._heap:
                    self._wake.wait()
                due, _, sock, armed = self._heap[0]
                wait = due - time.monotonic()
                if wait > 0:
                    self._wake.wait(wait)
                    continue
                heapq.heappop(self._heap)
            if armed:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def request_handler(*, read_timeout: float, header_timeout: float) -> type:
    """Werkzeug's request handler with a read timeout per connection and a header deadline."""
    deadlines = Deadlines()

    class Handler(WSGIRequestHandler):
        timeout = read_timeout  # socketserver applies it to the connection in setup()

        def handle_one_request(self) -> None:
            self._header_deadline = deadlines.arm(self.connection, header_timeout)
            try:
                super().handle_one_request()
            finally:
                deadlines.disarm(self._header_deadline)

        def parse_request(self) -> bool:
            parsed = super().parse_request()
            deadlines.disarm(self._header_deadline)  # headers are in: the body has the read timeout
            return parsed

    return Handler
