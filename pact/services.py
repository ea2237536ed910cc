"""What one app (one server process) keeps between requests and events, in one typed object.

`services()` is the one accessor: live handlers, HTTP views, the mail worker and the tests all reach
the ticker, the room registry, the snapshot cache, the group commits, the rate limiter, the mail
queue and the process's Redis client through it. Before, they were fetched by string from
`app.extensions["pact_*"]` in eight modules (a typo was a KeyError at run time) and each process
opened three Redis clients. `pact.live.init_live` builds it for every app (`install`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app

if TYPE_CHECKING:
    from huey.api import Huey
    from redis import Redis

    from pact.live.group_commit import GroupCommit
    from pact.live.limits import Limiter
    from pact.live.registry import RoomRegistry
    from pact.live.snapshots import SnapshotCache
    from pact.live.ticker import Ticker

KEY = "pact_services"


@dataclass
class Services:
    """One app's long-lived objects. Build with `install`; read with `services()`."""

    app: Flask = field(repr=False)
    # The process's one general Redis client (`pact.redis_client.connect`; None without
    # PACT_MESSAGE_QUEUE): presence counts, the room registry and the rate limits share its pool.
    # python-socketio's RedisManager keeps its own publish/subscribe connection, and huey its own
    # (its jobs are pickled bytes, this client decodes replies to text).
    redis: Redis | None
    limits: Limiter  # rate limits for events and views (pact/live/limits.py), on `redis` when set
    ticker: Ticker  # coalesced tallies and presence (pact/live/ticker.py)
    registry: RoomRegistry  # which sockets are in which room, across processes (pact/live/registry.py)
    snapshots: SnapshotCache  # one read of a meeting serves many joiners (pact/live/snapshots.py)
    support_votes: GroupCommit  # residents' support votes, written in shared batches (pact/live/group_commit.py)
    newcomers: GroupCommit  # residents joining by name, written in shared batches

    @cached_property
    def mail_queue(self) -> Huey:
        """The mail job queue (pact/delivery/queue.py), opened on first use: a process that never
        sends mail never opens its SQLite file or Redis connection."""
        from pact.delivery.queue import build_queue

        return build_queue(self.app)


def install(app: Flask, built: Services) -> None:
    """Keep `built` as `app`'s services (once, while the app is created)."""
    app.extensions[KEY] = built


def services(app: Flask | Any | None = None) -> Services:
    """This app's services (the current app's unless one is given)."""
    return (app or current_app).extensions[KEY]


def installed(app: Flask | Any | None = None) -> Services | None:
    """The same, or None in an app whose services are not built yet (health checks, shutdown)."""
    return (app or current_app).extensions.get(KEY)
