"""Socket.IO adapter: the `/meeting` namespace of CONTRACT.md."""
from __future__ import annotations

from flask import Flask

NAMESPACE = "/meeting"


def init_live(app: Flask) -> None:
    """Import handler modules *before* `init_app`, or a second app in one process has no handlers."""
    from pact.extensions import socketio
    from pact.live import (
        closing_handlers,  # noqa: F401  (shortlist, merge, close, verdict)
        evidence_handlers,  # noqa: F401  (pulse)
        handlers,  # noqa: F401  (registers events)
        hybrid_handlers,  # noqa: F401  (room_size, room_count, raise_from_floor)
        moderation_handlers,  # noqa: F401  (moderate, mute, remove, set_moderation, reply)
        notify_handlers,  # noqa: F401  (notify_when_answered: e-mail when answered)
        routing,
        suggest_handlers,  # noqa: F401  (suggest)
    )
    from pact.live.group_commit import GroupCommit
    from pact.live.limits import new_limiter
    from pact.live.manager import JsonPacket, client_manager
    from pact.live.registry import RoomRegistry
    from pact.live.snapshots import SnapshotCache
    from pact.live.ticker import Ticker
    from pact.meetings.participants import admit_newcomers
    from pact.meetings.voting import cast_support_votes
    from pact.models import utcnow
    from pact.patches import apply_patches
    from pact.redis_client import connect
    from pact.services import Services, install

    origins = app.config.get("CORS_ALLOWED_ORIGINS") or None  # None → same origin as the page only
    snapshots = SnapshotCache(ttl=app.config["SNAPSHOT_TTL"])
    queue = app.config.get("MESSAGE_QUEUE") or None
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        message_queue=queue,
        client_manager=client_manager(queue, snapshots.observe),
        serializer=JsonPacket,  # JSON only: skips a walk of every payload looking for bytes
        cors_allowed_origins=origins,
        max_http_buffer_size=app.config["MAX_HTTP_BUFFER_SIZE"],
        ping_interval=app.config["PING_INTERVAL"],
        ping_timeout=app.config["PING_TIMEOUT"],
        http_compression=True,
        websocket_compression=False,  # per-message deflate costs ~160 KB per connection (FINDINGS)
        manage_session=True,
        # Each socket's events run one after another in its own reader, in the order sent (a vote
        # and its unvote cannot overtake each other), and no task is started per event: in a join
        # storm that was 2,000 extra tasks with a stack each (docs/performance.md).
        async_handlers=False,
        logger=False,
        engineio_logger=False,
    )
    apply_patches(app)  # H1, M5, M6 guards and the other library overrides (pact/patches/)
    # Every event runs in a request context made from the socket's handshake (path /socket.io/),
    # and Flask matches that path against the app's routes each time: without a route of its own,
    # each event built a NotFound exception first. Engine.IO answers this path before Flask does.
    app.add_url_rule("/socket.io/", endpoint="socketio", view_func=_not_here)
    routing.tag_sessions(socketio.server.eio, app.config.get("NODE_ID"))  # HAProxy routes on it (deploy/)
    window = app.config["GROUP_COMMIT_WINDOW"]
    client = connect(queue) if queue else None  # the process's one general Redis client
    install(app, Services(
        app=app,
        redis=client,
        limits=new_limiter(client),
        ticker=Ticker(app, client),
        registry=RoomRegistry(client),
        snapshots=snapshots,
        support_votes=GroupCommit(lambda votes: cast_support_votes(votes, now=utcnow()), window=window, max_batch=64),
        newcomers=GroupCommit(lambda joins: admit_newcomers(joins, now=utcnow()), window=window, max_batch=64),
    ))


def _not_here():
    from flask import abort

    abort(404)
