"""Logging, configured once by the entry points (wsgi.py, pact.serve_gevent), never by create_app.

create_app used to call `logging.basicConfig`, which added a root handler in every app built in a
process; libraries that also log through their own handler (Engine.IO) then printed every
traceback twice. `configure_logging` replaces the root configuration as a whole, so calling it
again (a second app, a reloaded module) still leaves one handler.
"""
from __future__ import annotations

import logging.config
import os


def configure_logging(level: str | None = None) -> None:
    """One stream handler on the root logger at `level` (default `PACT_LOG_LEVEL`, else INFO)."""
    level = (level or os.environ.get("PACT_LOG_LEVEL") or "INFO").upper()
    logging.config.dictConfig({
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
        "root": {"level": level, "handlers": ["stderr"]},
        # Engine.IO and Socket.IO add a handler of their own to these loggers unless a level is
        # already set (python-engineio base_server.py): set one, so their records reach only root.
        "loggers": {name: {"level": "WARNING"} for name in ("engineio.server", "socketio.server",
                                                            "engineio.client", "socketio.client",
                                                            "alembic.runtime.plugins")},
    })
