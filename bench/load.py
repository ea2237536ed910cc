"""The load process of `make bench`: N residents on raw WebSockets speaking Engine.IO 4 / Socket.IO 5.

Separate from the server (its own process, its own core time). Every resident connects and joins
one meeting at once; then votes go out at a steady rate, each from a different resident/issue pair,
and a sample of residents time-stamp every `tallies` they receive. Latency of a vote = the first
moment a sampled resident sees the issue's count reach the rank of that vote (counts only grow),
minus the moment the vote was sent (the client, the steady sender and the latency are
bench/live_client.py, shared with `make soak` and `make bench-mail`). Writes one JSON object to --out.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import time

from bench.live_client import Resident, latencies, percentiles, spaced_collections, steady_votes


async def run(args) -> dict:
    urls = args.urls.split(",")
    issues = [int(i) for i in args.issues.split(",")]
    step = max(1, args.residents // args.sample)
    residents = [Resident(urls[i % len(urls)], args.meeting, f"Resident {i}", sampled=i % step == 0)
                 for i in range(args.residents)]
    t0 = time.monotonic()
    joined = await asyncio.gather(*(r.start() for r in residents), return_exceptions=True)
    failures = [j for j in joined if isinstance(j, BaseException)]
    join_seconds = max((j for j in joined if isinstance(j, float)), default=t0) - t0
    live = [r for r, j in zip(residents, joined) if not isinstance(j, BaseException)]
    await asyncio.sleep(2)  # let presence settle before the clock starts

    results = {"ok": 0, "refused": 0, "timeout": 0, "errors": {}}
    ack_times: list[float] = []

    async def vote(resident: Resident, issue: int) -> None:
        began = time.monotonic()
        try:
            ack = await resident.call("vote", {"issue_id": issue})
        except (TimeoutError, Exception):
            results["timeout"] += 1
            return
        ack_times.append(time.monotonic() - began)
        if ack.get("ok"):
            results["ok"] += 1
        else:
            results["refused"] += 1
            results["errors"][ack.get("error")] = results["errors"].get(ack.get("error"), 0) + 1

    wall_start = time.time()
    sent, send_seconds = await steady_votes(live, issues, args.rate, args.duration, vote)
    wall_end = time.time()
    await asyncio.sleep(3)  # trailing tallies
    for r in residents:
        r.finished = True
    disconnects = sum(1 for r in live if r.closed_early)

    seen = [delay for r in live if r.sampled for _, delay in latencies(r, sent)]
    latency = percentiles([delay for delay in seen if delay is not None])
    acks = percentiles(ack_times)
    await asyncio.gather(*(r.ws.close() for r in live), return_exceptions=True)
    return {
        "residents": args.residents, "joined": len(live), "join_failures": len(failures),
        "join_retries": sum(r.join_retries for r in residents),
        "join_error": repr(failures[0]) if failures else None, "join_seconds": round(join_seconds, 2),
        "votes_sent": len(sent), "votes_acknowledged": results["ok"], "votes_refused": results["refused"],
        "vote_errors": results["errors"], "vote_timeouts": results["timeout"], "send_seconds": round(send_seconds, 2),
        "latency_ms": {**latency, "never_seen": seen.count(None)},
        "ack_ms": {"p50": acks["p50"], "p99": acks["p99"]},
        "sampled_residents": sum(1 for r in live if r.sampled), "disconnects": disconnects,
        "vote_window": [wall_start, wall_end],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--urls", required=True)
    parser.add_argument("--meeting", type=int, required=True)
    parser.add_argument("--issues", required=True)
    parser.add_argument("--residents", type=int, required=True)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--sample", type=int, default=50)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    spaced_collections()
    result = asyncio.run(run(args))
    with open(args.out, "w") as fh:
        json.dump(result, fh)


if __name__ == "__main__":
    main()
