"""Socket.IO adapter: the `/meeting` namespace of CONTRACT.md."""
from __future__ import annotations

from flask import Flask

NAMESPACE = "/meeting"


def init_live(app: Flask) -> None:
    """Import handler modules *before* `init_app`, or a second app in one process has no handlers."""
    from pact.extensions import socketio
    from pact.live import handlers  # noqa: F401  (registers events)
    from pact.live import moderation_handlers  # noqa: F401  (moderate, mute, remove, set_moderation, reply)
    from pact.live import closing_handlers  # noqa: F401  (shortlist, merge, close, verdict)
    from pact.live.registry import RoomRegistry
    from pact.live.ticker import Ticker

    origins = app.config.get("CORS_ALLOWED_ORIGINS") or None  # None → same origin as the page only
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        message_queue=app.config.get("MESSAGE_QUEUE") or None,
        cors_allowed_origins=origins,
        max_http_buffer_size=app.config["MAX_HTTP_BUFFER_SIZE"],
        ping_interval=app.config["PING_INTERVAL"],
        ping_timeout=app.config["PING_TIMEOUT"],
        http_compression=True,
        websocket_compression=False,  # per-message deflate costs ~160 KB per connection (FINDINGS)
        manage_session=True,
        logger=False,
        engineio_logger=False,
    )
    app.extensions["pact_ticker"] = Ticker(app)
    app.extensions["pact_room_registry"] = RoomRegistry(app.config.get("MESSAGE_QUEUE") or None)
