"""After a Redis outage, one python-socketio queue listener again (moved here from pact/live/ticker.py).

Reaches into python-socketio 5.18.1's `socketio/pubsub_manager.py` `PubSubManager` (its private
listener task `thread`, its `_thread` loop and its `pubsub`), whose listener was seen stuck for good
after an outage; see the docstring below for why and what it does. Written by engineer "cluster";
fenced here so a python-socketio upgrade fails tests/test_patches.py until it is re-read.
"""
from __future__ import annotations

import logging

from pact.extensions import socketio

UPSTREAM = {("socketio.pubsub_manager", "PubSubManager._thread"): "ed30746a99724669"}

log = logging.getLogger("pact.live.ticker")


def reconnect_queue_listener() -> None:
    """After a Redis outage, make sure exactly one listener is subscribed again.

    python-socketio's listener (`PubSubManager._thread`, 5.18.1) is meant to loop for ever,
    reconnecting on any error, but after an outage it was seen stuck for good (no further retry
    logged; redis-py 8.1 blocks pubsub reads without a timeout), and nothing upstream fixes that
    (python-socketio #1581 and #281, redis-py #1573 are about the same family of hangs). Starting a
    second listener beside it, as this code once did, risks two subscribers and every message
    twice. So: under gevent, kill the old listener greenlet and wait until it is gone, then start
    one; under threads (which cannot be killed), close its connection, so its own loop
    resubscribes; and start one only where none is running."""
    manager = getattr(socketio.server, "manager", None)
    if manager is None or getattr(manager, "pubsub", None) is None:
        return
    listener = getattr(manager, "thread", None)
    try:
        if listener is not None and _running(listener):
            if not hasattr(listener, "kill"):  # a thread: make its blocked read fail, it retries itself
                connection = manager.pubsub.connection
                if connection is not None:
                    connection.disconnect()
                return
            listener.kill(block=True, timeout=2.0)
            if _running(listener):
                log.error("message queue listener did not stop; not starting a second one")
                return
        try:
            manager.pubsub.close()
        except Exception:
            pass
        manager.connected = False  # the next publish reconnects too
        manager.thread = socketio.server.start_background_task(manager._thread)
    except Exception:
        log.exception("could not reconnect the message queue listener")


def _running(task) -> bool:
    """A threading.Thread or a gevent Greenlet that has not finished."""
    if hasattr(task, "is_alive"):
        return bool(task.is_alive())
    return not getattr(task, "dead", True)
