"""Serving: threading mode (Werkzeug + simple-websocket) by default, gevent for big rooms."""
from __future__ import annotations

import logging
import os

from flask import Flask

from pact.extensions import socketio

log = logging.getLogger(__name__)


def serve(app: Flask, *, host: str, port: int) -> None:
    mode = socketio.server.eio.async_mode
    log.info("PACT Live serving on http://%s:%s (async_mode=%s)", host, port, mode)
    print(f"PACT Live: serving on http://{host}:{port} (async_mode={mode}). Ctrl+C stops.", flush=True)
    # `flask … serve` is a CLI command; Flask ignores app.run() from the CLI unless told otherwise.
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    if mode == "threading":
        # Werkzeug's threaded server with simple-websocket; fine for ordinary meetings on one machine.
        socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True, use_reloader=False, log_output=False)
    else:
        socketio.run(app, host=host, port=port, use_reloader=False, log_output=False)
