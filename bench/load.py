"""The load process of `make bench`: N residents on raw WebSockets speaking Engine.IO 4 / Socket.IO 5.

Separate from the server (its own process, its own core time). Every resident connects and joins
one meeting at once; then votes go out at a steady rate, each from a different resident/issue pair,
and a sample of residents time-stamp every `tallies` they receive. Latency of a vote = the first
moment a sampled resident sees the issue's count reach the rank of that vote (counts only grow),
minus the moment the vote was sent. Writes one JSON object to --out.
"""
from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import random
import time

from websockets.asyncio.client import connect

NS = "/meeting"


class Resident:
    def __init__(self, url: str, meeting_id: int, index: int, sampled: bool) -> None:
        self.url, self.meeting_id, self.index, self.sampled = url, meeting_id, index, sampled
        self.ws = None
        self.acks: dict[int, asyncio.Future] = {}
        self.next_ack = 0
        self.tallies: list[tuple[float, dict]] = []
        self.closed_early = False
        self.join_retries = 0
        self.finished = False

    async def start(self) -> float:
        base = self.url.replace("http://", "ws://")
        self.ws = await connect(f"{base}/socket.io/?EIO=4&transport=websocket", compression=None, max_queue=None,
                                ping_interval=None, open_timeout=120, close_timeout=2)
        await self.ws.recv()  # Engine.IO open
        await self.ws.send(f"40{NS},")
        while not (await self.ws.recv()).startswith(f"40{NS}"):
            pass
        self.reader = asyncio.ensure_future(self.read())
        payload = {"meeting_id": self.meeting_id, "display_name": f"Resident {self.index}"}
        ack = await self.call("join", payload, timeout=120)
        for _ in range(5):  # like the room page: a busy server says when to come back (jittered)
            if ack.get("ok") or ack.get("error") != "unavailable":
                break
            self.join_retries += 1
            await asyncio.sleep(ack.get("retry_after", 1) * (1 + random.random()))
            ack = await self.call("join", payload, timeout=120)
        if not ack.get("ok"):
            raise RuntimeError(f"join refused: {ack}")
        return time.monotonic()

    async def call(self, event: str, payload: dict, timeout: float = 30) -> dict:
        self.next_ack += 1
        ack_id = self.next_ack
        future = asyncio.get_running_loop().create_future()
        self.acks[ack_id] = future
        await self.ws.send(f"42{NS},{ack_id}" + json.dumps([event, payload]))
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            self.acks.pop(ack_id, None)

    async def read(self) -> None:
        prefix_ack, prefix_event = f"43{NS},", f"42{NS},"
        try:
            async for message in self.ws:
                if message == "2":
                    await self.ws.send("3")
                elif message.startswith(prefix_ack):
                    body = message[len(prefix_ack):]
                    cut = body.index("[")
                    future = self.acks.get(int(body[:cut]))
                    if future is not None and not future.done():
                        future.set_result(json.loads(body[cut:])[0])
                elif self.sampled and message.startswith(prefix_event + '["tallies"'):
                    self.tallies.append((time.monotonic(), json.loads(message[len(prefix_event):])[1]))
        except Exception:
            pass
        if not self.finished:
            self.closed_early = True


async def run(args) -> dict:
    urls = args.urls.split(",")
    issues = [int(i) for i in args.issues.split(",")]
    step = max(1, args.residents // args.sample)
    residents = [Resident(urls[i % len(urls)], args.meeting, i, i % step == 0) for i in range(args.residents)]
    t0 = time.monotonic()
    joined = await asyncio.gather(*(r.start() for r in residents), return_exceptions=True)
    failures = [j for j in joined if isinstance(j, BaseException)]
    join_seconds = max((j for j in joined if isinstance(j, float)), default=t0) - t0
    live = [r for r, j in zip(residents, joined) if not isinstance(j, BaseException)]
    await asyncio.sleep(2)  # let presence settle before the clock starts

    sent: list[tuple[float, int, int]] = []  # (time sent, issue, rank of this vote on the issue)
    ranks: dict[int, int] = {}
    results = {"ok": 0, "refused": 0, "timeout": 0, "errors": {}}
    tasks = []

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

    total = int(args.rate * args.duration)
    wall_start, start = time.time(), time.monotonic()
    for k in range(total):
        due = start + k / args.rate
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        resident = live[k % len(live)]
        issue = issues[(k // len(live)) % len(issues)]
        ranks[issue] = ranks.get(issue, 0) + 1
        sent.append((time.monotonic(), issue, ranks[issue]))
        tasks.append(asyncio.ensure_future(vote(resident, issue)))
    send_seconds = time.monotonic() - start
    await asyncio.gather(*tasks)
    wall_end = time.time()
    await asyncio.sleep(3)  # trailing tallies
    for r in residents:
        r.finished = True
    disconnects = sum(1 for r in live if r.closed_early)

    latencies = []
    unseen = 0
    for r in (r for r in live if r.sampled):
        seen: dict[int, tuple[list[int], list[float]]] = {}
        for t, payload in r.tallies:
            for issue, count in payload.items():
                counts, times = seen.setdefault(int(issue), ([], []))
                if not counts or count > counts[-1]:
                    counts.append(count)
                    times.append(t)
        for t_sent, issue, rank in sent:
            counts, times = seen.get(issue, ([], []))
            at = bisect.bisect_left(counts, rank)
            if at < len(counts):
                latencies.append(max(0.0, times[at] - t_sent))
            else:
                unseen += 1
    latencies.sort()

    def pct(p: float) -> float | None:
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 1) if latencies else None

    await asyncio.gather(*(r.ws.close() for r in live), return_exceptions=True)
    return {
        "residents": args.residents, "joined": len(live), "join_failures": len(failures),
        "join_retries": sum(r.join_retries for r in residents),
        "join_error": repr(failures[0]) if failures else None, "join_seconds": round(join_seconds, 2),
        "votes_sent": total, "votes_acknowledged": results["ok"], "votes_refused": results["refused"],
        "vote_errors": results["errors"], "vote_timeouts": results["timeout"], "send_seconds": round(send_seconds, 2),
        "latency_ms": {"p50": pct(0.50), "p90": pct(0.90), "p99": pct(0.99), "max": pct(1.0),
                       "samples": len(latencies), "never_seen": unseen},
        "ack_ms": {"p50": round(sorted(ack_times)[len(ack_times) // 2] * 1000, 1) if ack_times else None,
                   "p99": round(sorted(ack_times)[int(0.99 * len(ack_times))] * 1000, 1) if ack_times else None},
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
    result = asyncio.run(run(args))
    with open(args.out, "w") as fh:
        json.dump(result, fh)


if __name__ == "__main__":
    main()
