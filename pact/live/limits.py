"""Rate limits for socket events (HTTP middleware never sees them) and staff sign-in: sliding
windows per key, in this process. `PACT_RATE_LIMITS=off` switches them all off;
`RATE_LIMIT_OVERRIDES` ({"post:participant": [5, 60]}) changes one."""
from __future__ import annotations

import math
import threading
import time
from collections import deque

from flask import current_app

from pact.meetings.errors import DomainError

# action → (events allowed, per seconds). Joins are per address: a community centre's Wi-Fi or a
# mobile network's shared address must let at least 60 residents a minute in (CONTRACT.md).
DEFAULT_LIMITS: dict[str, tuple[int, float]] = {
    "join:address": (240, 60.0),
    "join:device": (20, 60.0),  # one browser rejoining under new names
    "sync:participant": (30, 10.0),  # a fresh SNAPSHOT is the most expensive read a client can ask for
    # Staff sign-in (HTTP): per address, and per account so a spread-out guesser is slowed too.
    "login:address": (20, 300.0),
    "login:account": (10, 900.0),
    "post:participant": (5, 60.0),
    "post:address": (60, 60.0),
    "vote:participant": (60, 10.0),
    "vote:address": (2000, 10.0),
    "suggest:participant": (30, 60.0),  # "support this one instead" while a resident types (debounced)
    # E-mail (pact/notifications): subscribing, staff password links, answer notices.
    "subscribe:address": (20, 3600.0),
    "subscribe:email": (3, 3600.0),
    "forgot:address": (10, 3600.0),
    "forgot:account": (3, 3600.0),
    "watch:participant": (5, 600.0),
}


class SlidingWindow:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hits: dict[str, deque[float]] = {}

    def hit(self, key: str, allowed: int, per: float, now: float | None = None, *, record: bool = True) -> float:
        """Record one event; returns 0 when allowed, else seconds until the next would be.
        With `record=False` only looks (sign-in counts failures, checked before each attempt)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - per:
                hits.popleft()
            if len(hits) >= allowed:
                return max(0.0, hits[0] + per - now)
            if not record:
                return 0.0
            hits.append(now)
            if len(self._hits) > 100_000:  # forget idle keys rather than grow without bound
                for stale in [k for k, v in self._hits.items() if not v or v[-1] <= now - 600]:
                    del self._hits[stale]
            return 0.0


def check(action: str, *, record: bool = True, **keys: object) -> None:
    """Raise `rate_limited` (with `retry_after`) when any of the action's limits is exceeded.
    `record=False` checks without counting this attempt (then call `count` when it should count)."""
    app = current_app
    if not app.config.get("RATE_LIMITS", True):
        return
    window = app.extensions.setdefault("pact_limits", SlidingWindow())
    limits = {**DEFAULT_LIMITS, **app.config.get("RATE_LIMIT_OVERRIDES", {})}
    for scope, value in keys.items():
        if value is None:
            continue
        rule = limits.get(f"{action}:{scope}")
        if rule is None:
            continue
        wait = window.hit(f"{action}:{scope}:{value}", *rule, record=record)
        if wait:
            seconds = max(1, math.ceil(wait))
            raise DomainError(
                "rate_limited",
                f"You are doing that too often. Please wait {seconds} second{'s' if seconds != 1 else ''} and try again.",
                retry_after=seconds,
            )


def count(action: str, **keys: object) -> None:
    """Count one attempt against the action's limits without refusing it (e.g. a failed sign-in)."""
    try:
        check(action, **keys)
    except DomainError:
        pass
