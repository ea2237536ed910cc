"""What the load processes of `make bench`, `make soak` and `make bench-mail` share: a resident
on a raw WebSocket speaking Engine.IO 4 / Socket.IO 5 (no client library: its own cost would be
measured too), votes sent at a steady rate, vote-to-tally latency, and percentiles.

Latency of a vote = the first moment a sampled resident sees the issue's count reach the rank of
that vote (counts only grow), minus the moment the vote was sent.
"""
from __future__ import annotations

import asyncio
import bisect
import json
import random
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import NamedTuple

from websockets.asyncio.client import connect

from pact.live.memory import settle_heap

NS = "/meeting"


def spaced_collections() -> None:
    """The load process's garbage collector: start-up frozen and a full collection every 100 middle
    ones (pact/live/memory.py's `settle_heap`, the servers' option). Thousands of client sockets
    otherwise cost the load generator full collections as long as a server's, on the same two
    cores; its own tails are not what is measured."""
    settle_heap(100)


class Resident:
    """One resident's WebSocket: join by name (retrying `unavailable` as the room page does), call
    events with acks, answer pings; a `sampled` resident also time-stamps every `tallies` it gets."""

    def __init__(self, url: str, meeting_id: int, name: str, *, sampled: bool = False, timeout: float = 120) -> None:
        self.url, self.meeting_id, self.name, self.sampled, self.timeout = url, meeting_id, name, sampled, timeout
        self.ws = None
        self.acks: dict[int, asyncio.Future] = {}
        self.next_ack = 0
        self.tallies: list[tuple[float, dict]] = []  # (monotonic time received, payload), sampled only
        self.participant_id: int | None = None
        self.reader: asyncio.Task | None = None
        self.closed_early = False  # the server closed the socket before `finished` was set
        self.join_retries = 0
        self.finished = False

    async def start(self) -> float:
        """Connect, open the namespace and join; the monotonic time it was joined. Raises when refused."""
        base = self.url.replace("http://", "ws://")
        self.ws = await connect(f"{base}/socket.io/?EIO=4&transport=websocket", compression=None, max_queue=None,
                                ping_interval=None, open_timeout=self.timeout, close_timeout=2)
        await self.ws.recv()  # Engine.IO open
        await self.ws.send(f"40{NS},")
        while not (await self.ws.recv()).startswith(f"40{NS}"):
            pass
        self.reader = asyncio.ensure_future(self.read())
        payload = {"meeting_id": self.meeting_id, "display_name": self.name}
        ack = await self.call("join", payload, timeout=self.timeout)
        for _ in range(5):  # like the room page: a busy server says when to come back (jittered)
            if ack.get("ok") or ack.get("error") != "unavailable":
                break
            self.join_retries += 1
            await asyncio.sleep(ack.get("retry_after", 1) * (1 + random.random()))
            ack = await self.call("join", payload, timeout=self.timeout)
        if not ack.get("ok"):
            raise RuntimeError(f"join refused: {ack}")
        self.participant_id = ack["participant"]["id"]
        return time.monotonic()

    async def call(self, event: str, payload: dict, timeout: float = 30) -> dict:
        """Send `event` with an ack id and wait for its ack (TimeoutError after `timeout` seconds)."""
        self.next_ack += 1
        ack_id = self.next_ack
        future = asyncio.get_running_loop().create_future()
        self.acks[ack_id] = future
        await self.ws.send(f"42{NS},{ack_id}" + json.dumps([event, payload]))
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            self.acks.pop(ack_id, None)

    def acked(self, message: str, body: str) -> None:
        """An ack arrived (`body`: the message after `43/meeting,`): resolve the call waiting for it."""
        cut = body.index("[")
        future = self.acks.get(int(body[:cut]))
        if future is not None and not future.done():
            future.set_result(json.loads(body[cut:])[0])

    async def read(self) -> None:
        prefix_ack, prefix_event = f"43{NS},", f"42{NS},"
        try:
            async for message in self.ws:
                if message == "2":
                    await self.ws.send("3")
                elif message.startswith(prefix_ack):
                    self.acked(message, message[len(prefix_ack):])
                elif self.sampled and message.startswith(prefix_event + '["tallies"'):
                    self.tallies.append((time.monotonic(), json.loads(message[len(prefix_event):])[1]))
        except Exception:
            pass
        if not self.finished:
            self.closed_early = True

    async def leave(self) -> None:
        try:
            await self.ws.close()
        except Exception:
            pass


class Sent(NamedTuple):
    """One vote sent: when (wall clock and monotonic), on which issue, and its rank on that issue."""

    wall: float
    at: float
    issue: int
    rank: int


async def steady_votes(live: list[Resident], issues: list[int], rate: float, duration: float,
                       vote: Callable[[Resident, int], Awaitable[object]]) -> tuple[list[Sent], float]:
    """`rate` votes a second for `duration` seconds, each from the next resident (then the next
    issue), without waiting for acks; the votes sent and how long sending took."""
    sent: list[Sent] = []
    ranks: dict[int, int] = {}
    tasks = []
    start = time.monotonic()
    for k in range(int(rate * duration)):
        delay = start + k / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        resident, issue = live[k % len(live)], issues[(k // len(live)) % len(issues)]
        ranks[issue] = ranks.get(issue, 0) + 1
        sent.append(Sent(time.time(), time.monotonic(), issue, ranks[issue]))
        tasks.append(asyncio.ensure_future(vote(resident, issue)))
    send_seconds = time.monotonic() - start
    await asyncio.gather(*tasks, return_exceptions=True)
    return sent, send_seconds


def latencies(resident: Resident, sent: list[Sent]) -> Iterator[tuple[Sent, float | None]]:
    """Each vote with the seconds until this sampled resident saw its count, or None if it never did."""
    seen: dict[int, tuple[list[int], list[float]]] = {}
    for t, payload in resident.tallies:
        for issue, count in payload.items():
            counts, times = seen.setdefault(int(issue), ([], []))
            if not counts or count > counts[-1]:
                counts.append(count)
                times.append(t)
    for vote in sent:
        counts, times = seen.get(vote.issue, ([], []))
        at = bisect.bisect_left(counts, vote.rank)
        yield vote, (max(0.0, times[at] - vote.at) if at < len(counts) else None)


def percentiles(values: list[float]) -> dict:
    """p50, p90, p99 and max of `values` (seconds) in milliseconds (None without values), and how many."""
    values = sorted(values)

    def pick(p: float) -> float | None:
        return round(values[min(len(values) - 1, int(p * len(values)))] * 1000, 1) if values else None

    return {"p50": pick(0.5), "p90": pick(0.9), "p99": pick(0.99), "max": pick(1.0), "samples": len(values)}
