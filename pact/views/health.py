"""`GET /healthz`: is this process fit to take traffic? For load balancers and process managers.

200 {"status": "ok"} when the database answers and the message queue (if configured) answers;
200 {"status": "degraded"} when only the queue is down (votes and posts are still saved and
acknowledged; other processes' clients catch up when it returns); 503 {"status": "down"} when
the database does not answer (nothing can be saved: send traffic elsewhere).
"""
from __future__ import annotations

import os

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy import text

from pact.extensions import db, socketio
from pact.live.memory import heap_figures
from pact.services import installed

health_bp = Blueprint("health", __name__)


def _database_ok() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:
        current_app.logger.warning("health check: database did not answer", exc_info=True)
        return False


def _queue_state() -> str:
    live = installed()
    ticker = live.ticker if live else None
    shared = getattr(ticker, "shared", None)
    if shared is None:
        return "none"
    try:
        return "ok" if shared.ping() else "down"
    except Exception:
        return "down"


def _greenlets() -> int | None:
    """Live greenlets in this process (gevent mode), counted by walking the heap."""
    try:
        from greenlet import greenlet
    except ImportError:
        return None
    import gc

    return sum(1 for obj in gc.get_objects() if isinstance(obj, greenlet) and not obj.dead)


@health_bp.get("/healthz")
def healthz():
    """GET /healthz: `ok`, `degraded` (the message queue is down) or `down` (the database), with this process's
    figures; 503 when down."""
    database = "ok" if _database_ok() else "down"
    queue = _queue_state()
    if database != "ok":
        status = "down"
    elif queue == "down":
        status = "degraded"
    else:
        status = "ok"
    live = installed()
    ticker = live.ticker if live else None
    body = {"status": status, "database": database, "message_queue": queue,
            "async_mode": socketio.server.eio.async_mode if socketio.server else None, "pid": os.getpid(),
            "connections": ticker.presence.connections() if ticker else 0, "gc": heap_figures()}
    if request.args.get("greenlets") == "1":  # for `make soak` (a heap walk: not for every probe)
        body["greenlets"] = _greenlets()
    response = jsonify(body)
    response.status_code = 503 if status == "down" else 200
    response.headers["Cache-Control"] = "no-store"
    return response
