"""`make soak`: two gevent processes behind HAProxy for a long while, to find what leaks.

1,000 residents on raw WebSockets through HAProxy, about 5 a second leaving and 5 new ones
joining, and steady votes. Every 30 s it records, per server process, RSS, open file descriptors
and live greenlets, plus PostgreSQL connections (pg_stat_activity) and Redis clients. At the
end it checks that each series is flat after warm-up (the mean of the last third within 10% of
the mean of the first third) and that every acknowledged vote is in the database. Results:
bench/results/soak-<stamp>.json and .svg, and soak-latest.*. Rate limits are on (with ceilings
high enough for one load generator on one address), so their Redis storage is exercised too.

    SOAK_MINUTES=30 make soak      # or: python -m bench.soak --minutes 10
"""
from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.live_client import Resident
from bench.run import RESULTS, ROOT, free_port, fresh_meeting, prepare_database

METRICS = ("rss_mb", "fds", "greenlets")
SHARED = ("pg_connections", "redis_clients")


class Load:
    """Keeps `size` residents connected, churns `churn` a second, votes `rate` a second."""

    def __init__(self, url: str, meeting_id: int, issues: list[int], size: int, churn: float, rate: float) -> None:
        self.url, self.meeting_id, self.issues = url, meeting_id, issues
        self.size, self.churn, self.rate = size, churn, rate
        self.residents: list[Resident] = []
        self.acknowledged: set[tuple[int, int]] = set()
        self.counts = {"joins": 0, "join_failures": 0, "leaves": 0, "votes_sent": 0, "votes_ok": 0,
                       "votes_refused": 0, "vote_no_answer": 0}
        self.serial = 0
        self.pending = 0  # joins under way
        self.join_errors: dict[str, int] = {}
        self.stop = asyncio.Event()

    async def join_one(self) -> None:
        self.serial += 1
        self.pending += 1
        resident = Resident(self.url, self.meeting_id, f"Soak resident {self.serial}", timeout=60)
        try:
            await resident.start()
        except Exception as exc:
            self.counts["join_failures"] += 1
            reason = f"{exc.__class__.__name__}: {str(exc)[:80]}"
            self.join_errors[reason] = self.join_errors.get(reason, 0) + 1
            await resident.leave()
            return
        finally:
            self.pending -= 1
        self.counts["joins"] += 1
        self.residents.append(resident)

    async def vote_one(self) -> None:
        if not self.residents:
            return
        resident, issue = random.choice(self.residents), random.choice(self.issues)
        self.counts["votes_sent"] += 1
        try:
            ack = await resident.call("vote", {"issue_id": issue}, timeout=30)
        except Exception:
            self.counts["vote_no_answer"] += 1
            return
        if ack.get("ok"):
            self.counts["votes_ok"] += 1
            self.acknowledged.add((resident.participant_id, issue))
        else:
            self.counts["votes_refused"] += 1

    async def fill(self) -> None:
        for start in range(0, self.size, 50):  # in waves, like people arriving
            await asyncio.gather(*(self.join_one() for _ in range(min(50, self.size - start))))

    async def run(self) -> None:
        tasks: set[asyncio.Task] = set()
        tick, churn_due, vote_due = time.monotonic(), 0.0, 0.0
        while not self.stop.is_set():
            await asyncio.sleep(0.05)
            now = time.monotonic()
            elapsed, tick = now - tick, now
            churn_due += elapsed * self.churn
            vote_due += elapsed * self.rate
            while churn_due >= 1:
                churn_due -= 1
                if self.residents:
                    leaving = self.residents.pop(random.randrange(len(self.residents)))
                    self.counts["leaves"] += 1
                    tasks.add(asyncio.ensure_future(leaving.leave()))
            # Newcomers keep the room at its size (a failed join is replaced by another).
            for _ in range(min(200 - self.pending, self.size - len(self.residents) - self.pending)):
                tasks.add(asyncio.ensure_future(self.join_one()))
            while vote_due >= 1:
                vote_due -= 1
                tasks.add(asyncio.ensure_future(self.vote_one()))
            tasks = {t for t in tasks if not t.done()}
        await asyncio.gather(*tasks, return_exceptions=True)
        await asyncio.gather(*(r.leave() for r in self.residents), return_exceptions=True)


def sample(servers: list[psutil.Process], ports: list[int], db_url: str, redis_port: int) -> dict:
    import redis

    row: dict = {"t": time.time(), "processes": []}
    for proc, port in zip(servers, ports):
        health = requests.get(f"http://127.0.0.1:{port}/healthz?greenlets=1", timeout=30).json()
        row["processes"].append({"rss_mb": round(proc.memory_info().rss / 2**20, 1), "fds": proc.num_fds(),
                                 "greenlets": health.get("greenlets"), "connections": health.get("connections")})
    engine = create_engine(db_url)
    with engine.connect() as conn:
        row["pg_connections"] = conn.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE datname = :n"),
                                            {"n": make_url(db_url).database}) - 1  # not this one
    engine.dispose()
    client = redis.Redis(port=redis_port)
    row["redis_clients"] = client.info("clients")["connected_clients"] - 1  # not this one
    client.close()
    return row


def flatness(samples: list[dict], warmup: int, ceilings: dict[str, int]) -> dict:
    """Per series: first-third and last-third means after warm-up, and whether within 10%. A series
    with a fixed ceiling (connection pools, which fill lazily) is flat if it never passes it."""
    after = samples[warmup:]
    third = max(1, len(after) // 3)
    series: dict[str, list[float]] = {}
    for row in after:
        for i, proc in enumerate(row["processes"]):
            for metric in METRICS:
                series.setdefault(f"{metric}[{i}]", []).append(proc[metric] or 0)
        for metric in SHARED:
            series.setdefault(metric, []).append(row[metric])
    verdict = {}
    for name, values in series.items():
        first, last = sum(values[:third]) / third, sum(values[-third:]) / third
        change = (last - first) / first if first else 0.0
        flat = max(values) <= ceilings[name] if name in ceilings else abs(change) <= 0.10
        verdict[name] = {"first": round(first, 1), "last": round(last, 1), "min": min(values), "max": max(values),
                         "change_percent": round(100 * change, 1), "flat": flat,
                         **({"ceiling": ceilings[name]} if name in ceilings else {})}
    return verdict


def svg_chart(samples: list[dict], path: Path, title: str) -> None:
    """A small dependency-free SVG: one panel per metric, a line per process."""
    panels = [(m, [[p[m] or 0 for p in row["processes"]] for row in samples]) for m in METRICS]
    panels += [(m, [[row[m]] for row in samples]) for m in SHARED]
    width, height, pad = 300, 170, 34
    colours = ["#1f5fa8", "#c0392b"]
    t0 = samples[0]["t"]
    out = [(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width * 3}" height="{height * 2 + 30}" '
            f'font-family="sans-serif" font-size="11"><title>{title}</title>'
            f'<text x="6" y="16" font-size="13">{title}</text>')]
    for k, (name, rows) in enumerate(panels):
        ox, oy = (k % 3) * width, 30 + (k // 3) * height
        values = [v for row in rows for v in row]
        top = max(values) * 1.15 or 1
        span = max(1.0, samples[-1]["t"] - t0)
        out.append(f'<text x="{ox + pad}" y="{oy + 12}">{name} (0–{top:.0f})</text>'
                   f'<rect x="{ox + pad}" y="{oy + 18}" width="{width - pad - 8}" height="{height - 48}" '
                   f'fill="none" stroke="#999"/>')
        for series in range(len(rows[0])):
            points = " ".join(
                f"{ox + pad + (width - pad - 8) * (row_t - t0) / span:.1f},"
                f"{oy + 18 + (height - 48) * (1 - rows[i][series] / top):.1f}"
                for i, row_t in enumerate(s["t"] for s in samples))
            out.append(f'<polyline fill="none" stroke="{colours[series % 2]}" stroke-width="1.5" points="{points}"/>')
        out.append(f'<text x="{ox + pad}" y="{oy + height - 16}">minutes: 0–{span / 60:.0f}</text>')
    out.append("</svg>")
    path.write_text("\n".join(out))


def start_redis(port: int) -> subprocess.Popen:
    return subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


def wait_all_up(stats: Path, count: int, timeout: float = 30) -> None:
    """Wait until HAProxy's stats socket reports `count` servers UP in the backend."""
    deadline, up = time.monotonic() + timeout, 0
    while time.monotonic() < deadline:
        try:
            with socket.socket(socket.AF_UNIX) as conn:
                conn.connect(str(stats))
                conn.sendall(b"show stat\n")
                reply = b"".join(iter(lambda: conn.recv(65536), b"")).decode()
        except OSError:
            reply = ""
        # `show stat` is CSV under a "# pxname,svname,…,status,…" header: one row per server
        rows = list(csv.DictReader(reply.removeprefix("# ").splitlines()))
        up = sum(1 for row in rows if row.get("pxname") == "pact_processes"
                 and row.get("svname") not in ("BACKEND", "FRONTEND") and row.get("status") == "UP")
        if up == count:
            return
        time.sleep(0.2)
    raise RuntimeError(f"HAProxy had {up} of {count} processes UP after {timeout:.0f} s")


def wait_healthy(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not become healthy")


def _stop_on_sigterm() -> None:
    """SIGTERM ends the run like Ctrl+C, so the servers, HAProxy and Redis are stopped too."""
    import signal

    def stop(*_args):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)


def main() -> int:
    _stop_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=float(os.environ.get("SOAK_MINUTES", "30")))
    parser.add_argument("--residents", type=int, default=1000)
    parser.add_argument("--churn", type=float, default=5.0, help="residents leaving (and joining) per second")
    parser.add_argument("--rate", type=float, default=20.0, help="votes per second")
    parser.add_argument("--every", type=float, default=30.0, help="seconds between samples")
    parser.add_argument("--warmup", type=int, default=2, help="samples left out of the flatness check")
    parser.add_argument("--database-url", default=os.environ.get(
        "SOAK_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/pact_soak"))
    args = parser.parse_args()
    if not shutil.which("redis-server") or not (shutil.which("haproxy") or Path("/usr/sbin/haproxy").exists()):
        sys.exit("make soak needs redis-server and haproxy (make install-cluster)")
    from pact.cluster import Backend, render_haproxy

    prepare_database(args.database_url)
    meeting_id, issues = fresh_meeting(args.database_url)
    redis_port, front_port = free_port(), free_port()
    ports = [free_port(), free_port()]
    redis_proc = start_redis(redis_port)
    env = {**os.environ, "PACT_DATABASE_URL": args.database_url, "PACT_DEMO": "0", "PACT_SECRET_KEY": "soak",
           "PACT_ASYNC_MODE": "gevent", "PACT_MESSAGE_QUEUE": f"redis://127.0.0.1:{redis_port}/0",
           "PACT_PROXY_FIX": "1", "PACT_RATE_LIMITS": "on",
           # One load generator is one address without device cookies: lift those ceilings only.
           "PACT_RATE_LIMIT_OVERRIDES": json.dumps({"join:address": [100000, 60], "join:bare_address": [100000, 600],
                                                    "vote:address": [100000, 10]})}
    logs = [open(f"/tmp/pact-soak-n{i + 1}.log", "wb") for i in range(2)]
    servers = [subprocess.Popen([sys.executable, "-m", "pact.serve_gevent", "--port", str(port)], cwd=ROOT,
                                env={**env, "PACT_NODE_ID": f"n{i + 1}"}, stdout=logs[i], stderr=subprocess.STDOUT)
               for i, port in enumerate(ports)]
    config = Path(f"/tmp/pact-soak-haproxy-{front_port}.cfg")
    stats = Path(f"/tmp/pact-soak-haproxy-{front_port}.sock")
    config.write_text(render_haproxy(f"127.0.0.1:{front_port}",
                                     [Backend(f"n{i + 1}", f"127.0.0.1:{p}") for i, p in enumerate(ports)],
                                     stats_socket=str(stats)))
    haproxy_log = open(f"/tmp/pact-soak-haproxy-{front_port}.log", "wb")
    haproxy = None
    front = f"http://127.0.0.1:{front_port}"
    samples: list[dict] = []
    try:
        for port in ports:
            wait_healthy(f"http://127.0.0.1:{port}")
        # HAProxy after the processes, and the residents only once it has every process UP: a
        # process its first check found not yet listening stays out for `rise` checks, and a fast
        # join would put all 1,000 residents on the other one.
        haproxy = subprocess.Popen([shutil.which("haproxy") or "/usr/sbin/haproxy", "-W", "-db", "-f", str(config)],
                                   stdout=haproxy_log, stderr=subprocess.STDOUT)
        wait_healthy(front)
        wait_all_up(stats, len(ports))
        procs = [psutil.Process(s.pid) for s in servers]
        load = Load(front, meeting_id, issues, args.residents, args.churn, args.rate)

        def sampler(loop: asyncio.AbstractEventLoop) -> None:
            end = time.monotonic() + args.minutes * 60
            while time.monotonic() < end:
                row = sample(procs, ports, args.database_url, redis_port)
                row["residents"] = len(load.residents)
                samples.append(row)
                print(json.dumps(row), flush=True)
                time.sleep(max(0.0, min(args.every, end - time.monotonic())))
            loop.call_soon_threadsafe(load.stop.set)

        async def drive() -> None:
            began = time.monotonic()
            await load.fill()
            print(f"{len(load.residents)} residents joined in {time.monotonic() - began:.1f}s", flush=True)
            thread = threading.Thread(target=sampler, args=(asyncio.get_running_loop(),), daemon=True)
            thread.start()
            await load.run()
            thread.join(60)

        asyncio.run(drive())
        time.sleep(2)
        engine = create_engine(args.database_url)
        with engine.connect() as conn:
            saved = {tuple(r) for r in conn.execute(text(
                "SELECT v.participant_id, v.issue_id FROM votes v JOIN issues i ON i.id = v.issue_id "
                "WHERE i.meeting_id = :m"), {"m": meeting_id})}
        engine.dispose()
        missing = load.acknowledged - saved
        # Each process holds a fixed database pool (PACT_DB_POOL_SIZE, default 10, no overflow) that
        # fills lazily: flat means never above it. Redis clients (the bounded shared pool, plus
        # python-socketio's own publisher pool and listener) go by the 10% rule.
        from pact.config import Defaults

        verdict = flatness(samples, args.warmup, {"pg_connections": 2 * Defaults.DB_POOL_SIZE})
        result = {"minutes": args.minutes, "residents": args.residents, "churn_per_second": args.churn,
                  "votes_per_second": args.rate, **load.counts, "acknowledged_pairs": len(load.acknowledged),
                  "acknowledged_missing_from_db": len(missing), "join_errors": load.join_errors,
                  "flatness": verdict,
                  "all_flat": all(v["flat"] for v in verdict.values()), "samples": samples}
    finally:
        for proc in [p for p in (haproxy, *servers, redis_proc) if p is not None]:
            proc.terminate()
        for proc in [p for p in (haproxy, *servers, redis_proc) if p is not None]:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        for log in logs:
            log.close()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    RESULTS.mkdir(parents=True, exist_ok=True)
    for name in (f"soak-{stamp}", "soak-latest"):
        (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=1))
        svg_chart(samples, RESULTS / f"{name}.svg",
                  f"make soak: {args.residents} residents, {args.churn:g}/s churn, {args.rate:g} votes/s, "
                  f"2 processes behind HAProxy, {args.minutes:g} min (blue n1, red n2)")
    print(json.dumps({k: v for k, v in result.items() if k != "samples"}, indent=1))
    ok = result["all_flat"] and not missing
    print("soak: OK" if ok else "soak: FAILED (see flatness / acknowledged_missing_from_db)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
