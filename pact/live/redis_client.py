"""One Redis client per process, shared by presence counts and rate limits (issue #14 item 3).

`redis_client(app)` returns None without a message queue (`PACT_MESSAGE_QUEUE`). The client has
short timeouts: a stopped Redis must cost a command a moment, never hold the process up. Under
gevent its sockets are cooperative (pact.serve_gevent patches before anything is imported).
python-socketio's RedisManager keeps its own connection for publish/subscribe.
"""
from __future__ import annotations

import threading

from flask import Flask

_lock = threading.Lock()
EXTENSION = "pact_redis"


def redis_client(app: Flask):
    """The process's shared `redis.Redis` for `app`'s message queue, made on first use; or None."""
    url = app.config.get("MESSAGE_QUEUE")
    if not url:
        return None
    client = app.extensions.get(EXTENSION)
    if client is None:
        with _lock:
            client = app.extensions.get(EXTENSION)
            if client is None:
                client = app.extensions[EXTENSION] = connect(url)
    return client


POOL_SIZE = 24  # connections at most; a greenlet or thread waits for a free one (cooperatively under gevent)


def connect(url: str):
    """A client on a bounded pool: a join storm of 1,000 greenlets otherwise opened a connection
    each (redis-py's default pool grows without limit), and kept them (`make soak` saw 171)."""
    import redis

    pool = redis.BlockingConnectionPool.from_url(url, max_connections=POOL_SIZE, timeout=5, socket_timeout=0.5,
                                                 socket_connect_timeout=0.5, decode_responses=True,
                                                 health_check_interval=30)
    return redis.Redis(connection_pool=pool)
