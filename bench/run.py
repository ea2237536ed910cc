"""`make bench`: the real server(s), a separate load process, one meeting, thousands of residents.

For each room size and process count: fresh tables, a live meeting with 60 issues, the servers
(gevent, PostgreSQL, rate limits off; Redis of our own when there are two), then the load process:
bench/reference/load.js (Node, the default) or bench/load.py (`--load python`), the same residents
and the same figures. Server CPU, the load process's CPU and peak RSS come from psutil; votes
counted come from the database. Results go to
bench/results/<stamp>.json (+ .png) and bench/results/latest.json. The machine has 2 cores and
the load process competes with the servers for them: the figures are a floor, not a ceiling.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
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

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
ISSUES = 60


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_database(url: str) -> None:
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = make_url(url).database
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    env = {**os.environ, "PACT_DATABASE_URL": url, "PACT_DEMO": "0", "PACT_SECRET_KEY": "bench"}
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)


def fresh_meeting(url: str) -> tuple[int, list[int]]:
    """Empty tables; a beat, a live meeting and ISSUES public issues, straight into the database."""
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = [r[0] for r in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"))]
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()
    os.environ.update({"PACT_DATABASE_URL": url, "PACT_DEMO": "0", "PACT_SECRET_KEY": "bench"})
    from datetime import timedelta

    from pact import create_app
    from pact.extensions import db
    from pact.meetings.directory import create_beat, schedule_meeting
    from pact.meetings.issues import post_issue
    from pact.meetings.participants import admit
    from pact.models import Stage, utcnow
    from pact.services import services

    app = create_app({"DATABASE_URL": url, "RATE_LIMITS": False})
    with app.app_context():
        beat = create_beat("bench", "Bench beat")
        meeting = schedule_meeting(beat, "Bench PACT", utcnow() - timedelta(minutes=5), stage=Stage.LIVE)
        db.session.flush()
        author, _ = admit(meeting, user=None, display_name="Organiser", resume_token=None, now=utcnow(),
                          device_hash=None, address_hash="bench")
        ids = []
        for n in range(ISSUES):
            posted = post_issue(meeting, author, f"Bench issue number {n}: parking near the school", None,
                                now=utcnow() + timedelta(seconds=n))
            ids.append(posted.issue.id)
        db.session.commit()
        meeting_id = meeting.id
        db.session.remove()
        db.engine.dispose()
    services(app).ticker.stop()
    return meeting_id, ids


def settle(pids: list[int], *, quiet: float = 0.05, limit: float = 30) -> float:
    """Wait until the servers and what they started (their mail workers) are idle: less than `quiet`
    CPU seconds in half a second, at most `limit` seconds. A meeting's join storm does not meet a
    server in its first seconds, while it and its worker are still importing (2 s of CPU each);
    starting the storm at the first /healthz measured that too. How long it took."""
    started = time.monotonic()

    def cpu() -> float:
        total = 0.0
        for pid in pids:
            try:
                proc = psutil.Process(pid)
                for one in (proc, *proc.children(recursive=True)):
                    total += sum(one.cpu_times()[:2])
            except psutil.Error:
                continue
        return total

    before = cpu()
    while time.monotonic() - started < limit:
        time.sleep(0.5)
        now = cpu()
        if now - before < quiet:
            break
        before = now
    return round(time.monotonic() - started, 1)


def count_votes(url: str, meeting_id: int) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        n = conn.scalar(text("SELECT count(*) FROM votes v JOIN issues i ON i.id = v.issue_id WHERE i.meeting_id = :m"),
                        {"m": meeting_id})
    engine.dispose()
    return int(n)


class Sampler(threading.Thread):
    """CPU time and RSS of the server processes every 0.25 s."""

    def __init__(self, pids: list[int]) -> None:
        super().__init__(daemon=True)
        self.procs = [psutil.Process(pid) for pid in pids]
        self.samples: list[tuple[float, float, int]] = []  # (time, cpu seconds total, rss total)
        self.peak_rss = [0] * len(pids)
        self.stop_flag = threading.Event()

    def run(self) -> None:
        while not self.stop_flag.is_set():
            cpu = rss = 0
            for i, proc in enumerate(self.procs):
                try:
                    times, mem = proc.cpu_times(), proc.memory_info().rss
                except psutil.Error:
                    continue
                cpu += times.user + times.system
                rss += mem
                self.peak_rss[i] = max(self.peak_rss[i], mem)
            self.samples.append((time.time(), cpu, rss))
            time.sleep(0.25)

    def cpu_percent(self, start: float, end: float) -> float | None:
        inside = [s for s in self.samples if start <= s[0] <= end]
        if len(inside) < 2:
            return None
        return round(100 * (inside[-1][1] - inside[0][1]) / (inside[-1][0] - inside[0][0]), 1)


def load_command(args, urls: list[str], meeting_id: int, issues: list[int], residents: int, out: Path) -> list[str]:
    """The load process for `--load`: Node's (bench/reference/load.js) or Python's (bench/load.py), same options."""
    options = ["--urls", ",".join(urls), "--meeting", str(meeting_id), "--issues", ",".join(map(str, issues)),
               "--residents", str(residents), "--rate", str(args.rate), "--duration", str(args.duration),
               "--out", str(out)]
    if args.load == "node":
        return ["node", str(ROOT / "bench" / "reference" / "load.js"), *options]
    return [sys.executable, "-m", "bench.load", *options]


def wait_load(load: subprocess.Popen, timeout: float) -> float:
    """Wait for a load process; the CPU seconds (user + system) it used, read while it lived.
    Raises when it failed (its own error is on stderr)."""
    proc, used, deadline = psutil.Process(load.pid), 0.0, time.monotonic() + timeout
    while load.poll() is None and time.monotonic() < deadline:
        try:
            times = proc.cpu_times()
            used = times.user + times.system
        except psutil.NoSuchProcess:
            break
        time.sleep(0.5)
    if load.wait(timeout=max(1.0, deadline - time.monotonic())) != 0:
        raise RuntimeError(f"the load process failed (exit {load.returncode}): {' '.join(load.args[:2])}")
    return used


def scenario(args, url: str, redis_url: str | None, residents: int, processes: int, coalesce: bool) -> dict:
    meeting_id, issues = fresh_meeting(url)
    env = {**os.environ, "PACT_DATABASE_URL": url, "PACT_DEMO": "0", "PACT_SECRET_KEY": "bench",
           "PACT_RATE_LIMITS": "off", "PACT_ASYNC_MODE": "gevent", "PACT_COALESCE_TALLIES": "on" if coalesce else "off"}
    env.pop("PACT_MESSAGE_QUEUE", None)
    if processes > 1:
        env["PACT_MESSAGE_QUEUE"] = redis_url
    ports = [free_port() for _ in range(processes)]
    logs = [open(Path("/tmp") / f"pact-bench-server-{p}.log", "wb") for p in ports]  # not in the repository
    servers = [subprocess.Popen([sys.executable, "-m", "pact.serve_gevent", "--port", str(p)], cwd=ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT) for p, log in zip(ports, logs)]
    try:
        for p in ports:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if requests.get(f"http://127.0.0.1:{p}/healthz", timeout=1).status_code == 200:
                        break
                except requests.RequestException:
                    time.sleep(0.2)
        settled = settle([s.pid for s in servers])
        sampler = Sampler([s.pid for s in servers])
        sampler.start()
        out = RESULTS / f"load-{residents}-{processes}-{int(coalesce)}.json"
        load = subprocess.Popen(load_command(args, [f"http://127.0.0.1:{p}" for p in ports], meeting_id, issues,
                                             residents, out), cwd=ROOT)
        load_cpu = wait_load(load, args.duration + 600)
        sampler.stop_flag.set()
        sampler.join()
        result = json.loads(out.read_text())
        out.unlink()
        start, end = result.pop("vote_window")
        result.update({
            "processes": processes, "settled_s": settled, "coalesced": coalesce, "load": args.load,
            "load_cpu_s": round(load_cpu, 1), "votes_counted": count_votes(url, meeting_id),
            "server_cpu_percent": sampler.cpu_percent(start, end),
            "peak_rss_mb": [round(r / 2**20, 1) for r in sampler.peak_rss],
        })
        return result
    finally:
        for s in servers:
            s.terminate()
        for s in servers:
            try:
                s.wait(timeout=10)
            except subprocess.TimeoutExpired:
                s.kill()
        for log in logs:
            log.close()


def reference_scenario(args, residents: int) -> dict:
    """The same load against Node's socket.io (bench/reference/server.js), same coalescing rule."""
    port = free_port()
    log = open(Path("/tmp") / f"pact-bench-reference-{port}.log", "wb")
    from pact.config import Defaults

    rule = ["--interval", str(int(Defaults.TALLY_INTERVAL * 1000)), "--budget", str(Defaults.BROADCAST_BUDGET)]
    server = subprocess.Popen(["node", str(ROOT / "bench" / "reference" / "server.js"), "--port", str(port), *rule],
                              cwd=ROOT / "bench" / "reference", stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.2)
        sampler = Sampler([server.pid])
        sampler.start()
        out = RESULTS / f"load-reference-{residents}.json"
        load = subprocess.Popen(load_command(args, [f"http://127.0.0.1:{port}"], 1, list(range(1, ISSUES + 1)),
                                             residents, out), cwd=ROOT)
        load_cpu = wait_load(load, args.duration + 600)
        sampler.stop_flag.set()
        sampler.join()
        result = json.loads(out.read_text())
        out.unlink()
        start, end = result.pop("vote_window")
        result.update({"server": "node socket.io (bench/reference)", "processes": 1, "coalesced": True,
                       "load": args.load, "load_cpu_s": round(load_cpu, 1),
                       "server_cpu_percent": sampler.cpu_percent(start, end),
                       "peak_rss_mb": [round(r / 2**20, 1) for r in sampler.peak_rss]})
        return result
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def chart(results: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    for processes in sorted({r["processes"] for r in results}):
        for coalesced in (True, False):
            rows = sorted((r for r in results if r["processes"] == processes and r["coalesced"] == coalesced),
                          key=lambda r: r["residents"])
            if not rows:
                continue
            label = f"{processes} process{'es' if processes > 1 else ''}, {'coalesced' if coalesced else 'per-vote'}"
            xs = [r["residents"] for r in rows]
            ax1.plot(xs, [r["latency_ms"]["p99"] or 0 for r in rows], marker="o", label=label)
            ax2.plot(xs, [r["join_seconds"] for r in rows], marker="o", label=label)
    ax1.axhline(750, color="grey", linestyle=":", linewidth=1)
    ax1.set(title="Vote-to-tally latency p99 (ms)", xlabel="residents in one meeting", yscale="log")
    ax2.axhline(5, color="grey", linestyle=":", linewidth=1)
    ax2.set(title="Time for everyone to join (s)", xlabel="residents in one meeting")
    ax1.legend(fontsize=8)
    fig.suptitle("PACT Live, one meeting, 200 votes/s (2 cores shared with the load generator)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="250,1000,2000,4000")
    parser.add_argument("--processes", default="1,2")
    parser.add_argument("--per-vote-sizes", default="250,1000", help="also run these sizes with per-vote broadcasting")
    parser.add_argument("--reference-sizes", default="2000",
                        help="also run these sizes on Node's socket.io (bench/reference/) and report the p99 ratio")
    parser.add_argument("--load", choices=("node", "python"), default="node",
                        help="the load process: bench/reference/load.js (default) or bench/load.py")
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--database", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/pact_bench"))
    args = parser.parse_args()
    if args.load == "node" and shutil.which("node") is None:
        sys.exit("the Node load process needs node (or pass --load python)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    prepare_database(args.database)
    redis_proc, redis_url = None, None
    process_counts = [int(p) for p in args.processes.split(",") if p]
    if max(process_counts) > 1:
        if shutil.which("redis-server") is None:
            sys.exit("two-process runs need redis-server")
        port = free_port()
        redis_proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                       "--appendonly", "no"], stdout=subprocess.DEVNULL)
        redis_url = f"redis://127.0.0.1:{port}/0"
        time.sleep(0.5)
    plan = [(n, p, True) for p in process_counts for n in map(int, args.sizes.split(","))]
    plan += [(int(n), 1, False) for n in args.per_vote_sizes.split(",") if n.strip() and int(n)]
    results: list[dict] = []
    reference: list[dict] = []
    try:
        for residents, processes, coalesce in plan:
            print(f"== {residents} residents, {processes} process(es), "
                  f"{'coalesced' if coalesce else 'per-vote'} tallies", flush=True)
            row = scenario(args, args.database, redis_url, residents, processes, coalesce)
            print(json.dumps(row), flush=True)
            results.append(row)
        for residents in (int(n) for n in args.reference_sizes.split(",") if n):
            if shutil.which("node") is None:
                sys.exit("the reference run needs node (or pass --reference-sizes '')")
            print(f"== {residents} residents on the Node reference server", flush=True)
            reference.append(reference_scenario(args, residents))
            print(json.dumps(reference[-1]), flush=True)
    finally:
        if redis_proc:
            redis_proc.terminate()
    node_ratio = {}
    for row in reference:
        twin = next((r for r in results if r["coalesced"] and r["processes"] == 1
                     and r["residents"] == row["residents"]), None)
        if twin and twin["latency_ms"]["p99"] and row["latency_ms"]["p99"]:
            node_ratio[str(row["residents"])] = round(twin["latency_ms"]["p99"] / row["latency_ms"]["p99"], 2)
    ratios = {}
    for row in results:
        if not row["coalesced"]:
            twin = next((r for r in results if r["coalesced"] and r["processes"] == 1
                         and r["residents"] == row["residents"]), None)
            if twin and twin["latency_ms"]["p99"] and row["latency_ms"]["p99"]:
                ratios[str(row["residents"])] = round(row["latency_ms"]["p99"] / twin["latency_ms"]["p99"], 1)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    report = {"when": stamp, "command": " ".join(sys.argv), "cores": psutil.cpu_count(), "rate": args.rate,
              "load": args.load, "duration": args.duration, "results": results, "per_vote_p99_ratio": ratios,
              "reference": reference, "p99_over_node_p99": node_ratio}
    (RESULTS / f"{stamp}.json").write_text(json.dumps(report, indent=2))
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2))
    chart(results, RESULTS / f"{stamp}.png")
    shutil.copy(RESULTS / f"{stamp}.png", RESULTS / "latest.png")
    print(f"saved {RESULTS / (stamp + '.json')} and .png; per-vote p99 / coalesced p99: {ratios}; "
          f"our p99 / Node's p99: {node_ratio}")


if __name__ == "__main__":
    main()
