"""The process's one general Redis client, kept on `services().redis` (pact/services.py).

`pact.live.init_live` connects once per app when `PACT_MESSAGE_QUEUE` is set; presence counts,
the room registry and the rate limits share it. The client has short timeouts: a stopped Redis
must cost a command a moment, never hold the process up. Under gevent its sockets are cooperative
(pact.serve_gevent patches before anything is imported). python-socketio's RedisManager keeps its
own connection for publish/subscribe, and huey (the mail queue) its own.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from redis import Redis

POOL_SIZE = 24  # connections at most; a greenlet or thread waits for a free one (cooperatively under gevent)


def connect(url: str) -> Redis:
    """A client on a bounded pool: a join storm of 1,000 greenlets otherwise opened a connection
    each (redis-py's default pool grows without limit), and kept them (`make soak` saw 171)."""
    import redis

    pool = redis.BlockingConnectionPool.from_url(url, max_connections=POOL_SIZE, timeout=5, socket_timeout=0.5,
                                                 socket_connect_timeout=0.5, decode_responses=True,
                                                 health_check_interval=30)
    return redis.Redis(connection_pool=pool)
