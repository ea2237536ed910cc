"""Serving: threading mode (Werkzeug + simple-websocket) by default, gevent for big rooms.

`flask --app wsgi serve` serves in the configured PACT_ASYNC_MODE. gevent must monkey-patch the
standard library before anything else is imported, which the `flask` command has already done by
the time it gets here, so in gevent mode `serve` re-executes itself as `python -m
pact.serve_gevent`, whose first lines patch. Why gevent for big rooms, and the limits set here
(listen backlog, connection pool, file descriptors), are in docs/performance.md; the read timeouts
and the other library overrides are in pact/patches/.
"""
from __future__ import annotations

import logging
import os
import resource
import signal
import sys

from flask import Flask

from pact.extensions import socketio
from pact.live.memory import settle_heap
from pact.services import installed

log = logging.getLogger(__name__)


def _read_safeguarding_model() -> None:
    """The safeguarding classifier, read once (0.1–0.5 s) before the first post rather than during it."""
    from pact.meetings.safeguarding import model

    model.load()


def serve(app: Flask, *, host: str, port: int) -> None:
    """Serve `app` on host:port with the mail worker beside it: in gevent mode by re-executing as pact.serve_gevent
    (patched first), else threaded."""
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
    _read_safeguarding_model()
    settle_heap(app.config["GC_FULL_EVERY"])
    _announce(host, port, mode)
    # `flask … serve` is a CLI command; Flask ignores app.run() from the CLI unless told otherwise.
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    if mode == "threading":
        # Werkzeug's threaded server with simple-websocket; fine for ordinary meetings on one machine.
        from pact.patches.werkzeug_server import request_handler

        handler = request_handler(read_timeout=read_timeout(app), header_timeout=app.config["HEADER_TIMEOUT"])
        socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True, use_reloader=False, log_output=False,
                     request_handler=handler)
    else:
        socketio.run(app, host=host, port=port, use_reloader=False, log_output=False)


def _announce(host: str, port: int, mode: str) -> None:
    log.info("PACT Live serving on http://%s:%s (async_mode=%s, pid=%s)", host, port, mode, os.getpid())
    print(f"PACT Live: serving on http://{host}:{port} (async_mode={mode}). Ctrl+C stops.", flush=True)


def read_timeout(app: Flask) -> float:
    """Seconds a connection may stay silent: SOCKET_READ_TIMEOUT, never under a ping cycle (a healthy
    WebSocket answers a ping every PING_INTERVAL; a long poll sends nothing for up to a cycle)."""
    cfg = app.config
    return max(float(cfg["SOCKET_READ_TIMEOUT"]), cfg["PING_INTERVAL"] + cfg["PING_TIMEOUT"] + 5.0)


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


def serve_gevent(app: Flask, *, host: str, port: int) -> None:
    """gevent's WSGI server with an explicit listen backlog and connection pool (call monkey-patched)."""
    from gevent import pywsgi
    from gevent.pool import Pool

    from pact.delivery.worker import start_beside

    start_beside(app)  # started directly (python -m pact.serve_gevent): its own mail worker
    _read_safeguarding_model()

    from pact.patches.gevent_broadcast import write_directly
    from pact.patches.gevent_server import connection_handler, pings_on_timers

    cfg = app.config
    files = raise_file_limit()
    pings_on_timers()
    write_directly()
    connections = min(cfg["MAX_CONNECTIONS"], max(64, files - 64))
    # gevent-websocket, not simple-websocket: it answers a client's close frame at once (with
    # simple-websocket, under Werkzeug and gevent alike, every client waits 3 s on disconnect).
    # Engine.IO uses it whenever it is importable, and then needs its handler here.
    handler_class = connection_handler(read_buffer=cfg["SOCKET_READ_BUFFER"], read_timeout=read_timeout(app),
                                       header_timeout=cfg["HEADER_TIMEOUT"])
    logging.getLogger("geventwebsocket.handler").setLevel(logging.WARNING)  # no access log per request
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
    settle_heap(cfg["GC_FULL_EVERY"])  # last, once everything the process keeps is made
    _announce(host, port, "gevent")
    log.info("listen backlog %s, up to %s connections, open-file limit %s",
             cfg["LISTEN_BACKLOG"], connections, files)
    server.serve_forever()
