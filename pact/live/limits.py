"""Rate limits for socket events and HTTP views alike, held by the `limits` library.

Moving windows per key, counted and checked in one atomic step (a Lua script on Redis). With a
message queue (`PACT_MESSAGE_QUEUE`) the windows live in that Redis, so every process shares
them: a resident alternating between processes gets one budget, not one per process. Without
one they live in this process's memory. If Redis stops, each process falls back to its own
memory until it answers again (limits keep holding, per process, rather than failing open).
`PACT_RATE_LIMITS=off` switches them all off; `RATE_LIMIT_OVERRIDES` ({"post:participant": [5, 60]})
changes one.
"""
from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import current_app
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter

from pact.meetings.errors import DomainError, worded
from pact.services import services
from pact.wording import N_

if TYPE_CHECKING:
    from redis import Redis

log = logging.getLogger(__name__)

# action:scope → (events allowed, per seconds). Joins are per address: a community centre's Wi-Fi or a
# mobile network's shared address must let at least 60 residents a minute in (CONTRACT.md).
DEFAULT_LIMITS: dict[str, tuple[int, float] | list[tuple[int, float]]] = {
    "join:address": (240, 60.0),
    "join:device": (20, 60.0),  # one browser rejoining under new names
    # A join with no device cookie comes from a script, not the room page (which sets the cookie
    # before it connects): far fewer of those per address (issue #11 M3).
    "join:bare_address": (10, 600.0),
    "sync:participant": (30, 10.0),  # a fresh SNAPSHOT is the most expensive read a client can ask for
    # Staff sign-in (pact/auth/throttle.py). Every attempt counts, atomically, before the password is
    # checked. One account from one address: a progressive delay (5 a minute, 10 in 15 minutes,
    # 20 an hour), cleared by a successful sign-in. One address, any accounts: 30 in 5 minutes.
    # One account from everywhere: 100 an hour, which only guessing from many addresses reaches.
    "login:pair": [(5, 60.0), (10, 900.0), (20, 3600.0)],
    "login:address": (30, 300.0),
    "login:account": (100, 3600.0),
    "post:participant": (5, 60.0),
    "post:device": (8, 60.0),  # new names from one browser share the browser's budget
    "post:address": (60, 60.0),
    "vote:participant": (60, 10.0),
    "vote:device": (90, 10.0),
    "vote:address": (2000, 10.0),
    "suggest:participant": (30, 60.0),  # "support this one instead" while a resident types (debounced)
    # E-mail (pact/notifications): subscribing, staff password links, answer notices.
    "subscribe:address": (20, 3600.0),
    "subscribe:email": (3, 3600.0),
    "forgot:address": (10, 3600.0),
    "forgot:account": (3, 3600.0),
    "watch:participant": (5, 600.0),
}


@dataclass
class Limiter:
    """The moving-window limiter of one app: shared storage (Redis) or memory, plus a memory
    fallback used while Redis does not answer."""

    storage: Storage
    shared: bool
    fallback: MovingWindowRateLimiter = field(default_factory=lambda: MovingWindowRateLimiter(MemoryStorage()))
    healthy: bool = True

    def __post_init__(self) -> None:
        self.strategy = MovingWindowRateLimiter(self.storage)

    def _run(self, method: str, item: RateLimitItem, key: str, local: bool = False):
        if self.shared and not local:
            try:
                result = getattr(self.strategy, method)(item, key)
                if not self.healthy:
                    log.warning("rate limits: Redis answers again; limits are shared across processes again")
                self.healthy = True
                return result
            except Exception as exc:
                if self.healthy:
                    log.warning("rate limits: Redis unreachable (%s); this process limits on its own", exc)
                self.healthy = False
        return getattr(self.fallback, method)(item, key)

    def hit(self, item: RateLimitItem, key: str, *, record: bool = True, local: bool = False) -> float:
        """0 when allowed (and, with `record`, counted in the same step); else seconds to wait.
        `local` keeps the count in this process's memory even when Redis is configured."""
        if self._run("hit" if record else "test", item, key, local):
            return 0.0
        stats = self._run("get_window_stats", item, key, local)
        return max(1.0, stats.reset_time - time.time())

    def clear(self, item: RateLimitItem, key: str) -> None:
        """Forget the count of `key` under `item` (a sign-in that succeeded)."""
        self._run("clear", item, key)


def new_limiter(client: Redis | None) -> Limiter:
    """A limiter on the process's shared Redis client (its pool), or in memory without one."""
    if client is not None:
        storage: Storage = RedisStorage("redis://", connection_pool=client.connection_pool, key_prefix="pact:limits")
    else:
        storage = MemoryStorage()
    return Limiter(storage, shared=client is not None)


def rule(name: str, allowed: int, per: float) -> RateLimitItem:
    """One moving-window limit: `allowed` events per `per` seconds, named `name` (its key prefix)."""
    return RateLimitItemPerSecond(allowed, max(1, int(per)), namespace=name)


def rules(action: str, scope: str) -> list[RateLimitItem]:
    """The limits of `action:scope`: one (allowed, per) pair, or a list of them (tiers)."""
    configured = {**DEFAULT_LIMITS, **current_app.config.get("RATE_LIMIT_OVERRIDES", {})}.get(f"{action}:{scope}")
    if configured is None:
        return []
    tiers = configured if configured and isinstance(configured[0], (list, tuple)) else [configured]
    return [rule(f"{action}:{scope}:{n}", int(allowed), float(per)) for n, (allowed, per) in enumerate(tiers)]


def refusal(wait: float, message: str | None = None) -> DomainError:
    """The `rate_limited` refusal, with `retry_after` in whole seconds (and a message saying how long)."""
    seconds = max(1, math.ceil(wait))
    if message:
        return DomainError("rate_limited", message, retry_after=seconds)
    return worded("rate_limited", N_("You are doing that too often. Please wait %(num)s second and try again."),
                  {"num": seconds}, plural=N_("You are doing that too often. Please wait %(num)s seconds and try again."),
                  retry_after=seconds)


def enabled() -> bool:
    """Whether rate limits apply (`PACT_RATE_LIMITS=off` switches them off for load tests)."""
    return bool(current_app.config.get("RATE_LIMITS", True))


def check(action: str, *, record: bool = True, local: bool = False, **keys: object) -> None:
    """Count this event against each of the action's limits and raise `rate_limited` (with
    `retry_after`) when one is exceeded. `record=False` only looks. A key of None is skipped.

    `local=True` counts in this process's memory only: for votes, whose limits guard the process's
    load (the database already allows one vote per person and device per issue), and where a Redis
    round trip per scope would cost more than the vote's own share of a group commit
    (docs/performance.md, "Rate limits")."""
    if not enabled():
        return
    limiter = services().limits
    for scope, value in keys.items():
        if value is None:
            continue
        for item in rules(action, scope):
            wait = limiter.hit(item, str(value), record=record, local=local)
            if wait:
                raise refusal(wait)


def count(action: str, **keys: object) -> None:
    """Count one event against the action's limits without refusing it."""
    try:
        check(action, **keys)
    except DomainError:
        pass


def reset(action: str, **keys: object) -> None:
    """Forget the counts of these keys (a sign-in that succeeded clears its own slow-down)."""
    if not enabled():
        return
    limiter = services().limits
    for scope, value in keys.items():
        if value is not None:
            for item in rules(action, scope):
                limiter.clear(item, str(value))
