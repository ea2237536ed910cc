"""What a vote would pay for rate limits held in Redis, against this process's memory.

`python -m bench.limits_roundtrip [--redis redis://127.0.0.1:6379/4] [--hits 3000]`: the vote
path checks three scopes (participant, device, address); this times one `limits` moving-window
hit on Redis storage (the shared client of pact/redis_client.py) and on memory storage, and
writes bench/results/limits-roundtrip.json. docs/performance.md ("Rate limits") quotes it.
"""
from __future__ import annotations

import argparse
import json
import os
import time

from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import MovingWindowRateLimiter

from bench.run import RESULTS
from pact.redis_client import connect


def per_hit_us(limiter: MovingWindowRateLimiter, hits: int) -> float:
    item = RateLimitItemPerSecond(60, 10, namespace="bench-vote")
    began = time.perf_counter()
    for n in range(hits):
        limiter.hit(item, f"participant-{n % 500}")
    return (time.perf_counter() - began) / hits * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4"))
    parser.add_argument("--hits", type=int, default=3000)
    args = parser.parse_args()
    client = connect(args.redis)
    redis_limiter = MovingWindowRateLimiter(RedisStorage("redis://", connection_pool=client.connection_pool,
                                                         key_prefix="pact:bench-limits"))
    memory_limiter = MovingWindowRateLimiter(MemoryStorage())
    per_hit_us(redis_limiter, 200)  # warm: scripts loaded, connection open
    redis_us, memory_us = per_hit_us(redis_limiter, args.hits), per_hit_us(memory_limiter, args.hits)
    result = {"hits": args.hits, "redis_us_per_hit": round(redis_us, 1), "memory_us_per_hit": round(memory_us, 1),
              "vote_scopes": 3, "redis_us_per_vote": round(3 * redis_us, 1),
              "memory_us_per_vote": round(3 * memory_us, 1),
              "load_average": os.getloadavg()[0]}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "limits-roundtrip.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    for key in client.scan_iter("pact:bench-limits*"):
        client.delete(key)


if __name__ == "__main__":
    main()
