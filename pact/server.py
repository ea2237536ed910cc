"""Serving: threading mode (Werkzeug + simple-websocket) by default, gevent for big rooms.

`flask --app wsgi serve` serves in the configured PACT_ASYNC_MODE. gevent must monkey-patch the
standard library before anything else is imported, which the `flask` command has already done by
the time it gets here, so in gevent mode `serve` re-executes itself as `python -m
pact.serve_gevent`, whose first lines patch. Why gevent for big rooms, and the limits set here
(listen backlog, connection pool, file descriptors), are in docs/performance.md.
"""
from __future__ import annotations

import logging
import os
import resource
import signal
import sys

from flask import Flask

from pact.extensions import socketio
from pact.live.services import installed

log = logging.getLogger(__name__)


def serve(app: Flask, *, host: str, port: int) -> None:
    from pact.delivery.worker import start_beside

    start_beside(app)  # the mail worker, a process of its own (once: a gevent re-exec keeps it)
    mode = socketio.server.eio.async_mode
    if mode == "gevent":
        from gevent import monkey

        if not monkey.is_module_patched("socket"):
            sys.stdout.flush()
            os.execv(sys.executable, [sys.executable, "-m", "pact.serve_gevent", "--host", host, "--port", str(port)])
        serve_gevent(app, host=host, port=port)
        return
    _announce(host, port, mode)
    # `flask … serve` is a CLI command; Flask ignores app.run() from the CLI unless told otherwise.
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    if mode == "threading":
        # Werkzeug's threaded server with simple-websocket; fine for ordinary meetings on one machine.
        socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True, use_reloader=False, log_output=False)
    else:
        socketio.run(app, host=host, port=port, use_reloader=False, log_output=False)


def _announce(host: str, port: int, mode: str) -> None:
    log.info("PACT Live serving on http://%s:%s (async_mode=%s, pid=%s)", host, port, mode, os.getpid())
    print(f"PACT Live: serving on http://{host}:{port} (async_mode={mode}). Ctrl+C stops.", flush=True)


def raise_file_limit() -> int:
    """Every WebSocket is a file descriptor: lift the soft limit to the hard one (often 1,024 → more)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        target = hard if hard != resource.RLIM_INFINITY else 65536
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            log.warning("could not raise the open-file limit above %s", soft)
    return soft


def _websocket_handler(read_buffer: int):
    """gevent-websocket's handler with a read buffer sized for this protocol: requests and frames
    are small (a vote is ~50 bytes), and gevent's default is 8 KB per connection (2,000
    connections: 4 MB less resident, measured)."""
    from geventwebsocket.handler import WebSocketHandler

    class Handler(WebSocketHandler):
        def __init__(self, sock, address, server, rfile=None):
            super().__init__(sock, address, server, rfile if rfile is not None else sock.makefile("rb", read_buffer))

    return Handler


def _pings_on_timers() -> None:
    """Engine.IO waits out each socket's ping interval in a task of its own (python-engineio
    4.15's `Socket.schedule_ping` starts one per ping cycle, which sleeps ~25 s): a third task,
    with its stack, per connected resident. Under gevent a timer on the event loop does the same
    wait for a fraction of the memory (2,000 connections: ~11 MB). Same protocol: the ping goes out
    after `ping_interval`, and a missing pong is still detected by Engine.IO's own check."""
    import time

    from engineio import packet
    from engineio import socket as eio_socket
    from gevent import get_hub

    def schedule_ping(sock) -> None:
        if sock.last_ping:  # as Engine.IO: only once the previous ping cycle has completed
            sock.last_ping = None
            timer = get_hub().loop.timer(sock.server.ping_interval)
            timer.start(_send_ping, sock, timer)

    def _send_ping(sock, timer) -> None:  # runs in the event loop: must not block (a queue put does not)
        timer.close()
        if not sock.closing and not sock.closed:
            sock.last_ping = time.time()
            sock.send(packet.Packet(packet.PING))

    eio_socket.Socket.schedule_ping = schedule_ping


def serve_gevent(app: Flask, *, host: str, port: int) -> None:
    """gevent's WSGI server with an explicit listen backlog and connection pool (call monkey-patched)."""
    from gevent import pywsgi
    from gevent.pool import Pool

    from pact.delivery.worker import start_beside

    start_beside(app)  # started directly (python -m pact.serve_gevent): its own mail worker
    cfg = app.config
    files = raise_file_limit()
    _pings_on_timers()
    connections = min(cfg["MAX_CONNECTIONS"], max(64, files - 64))
    # gevent-websocket, not simple-websocket: it answers a client's close frame at once (with
    # simple-websocket, under Werkzeug and gevent alike, every client waits 3 s on disconnect).
    # Engine.IO uses it whenever it is importable, and then needs its handler here.
    try:
        handler_class = _websocket_handler(cfg["SOCKET_READ_BUFFER"])
        logging.getLogger("geventwebsocket.handler").setLevel(logging.WARNING)  # no access log per request
    except ImportError:
        handler_class = None
    server = pywsgi.WSGIServer((host, port), app, backlog=cfg["LISTEN_BACKLOG"], spawn=Pool(connections),
                               handler_class=handler_class, log=None, error_log=logging.getLogger("pact.gevent"))

    def shut_down(*_args) -> None:
        # A clean stop: leave the shared presence count at once instead of after PRESENCE_TTL.
        live = installed(app)
        ticker = live.ticker if live else None
        if ticker is not None:
            ticker.stop(timeout=1)
            if ticker.shared is not None:
                try:
                    ticker.shared.forget(set(ticker.presence.counts()))
                except Exception:
                    pass
        server.stop(timeout=2)

    import gevent

    gevent.signal_handler(signal.SIGTERM, shut_down)
    gevent.signal_handler(signal.SIGINT, shut_down)
    _announce(host, port, "gevent")
    log.info("listen backlog %s, up to %s connections, open-file limit %s",
             cfg["LISTEN_BACKLOG"], connections, files)
    server.serve_forever()
