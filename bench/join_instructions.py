"""CPU instructions (callgrind Ir) the gevent server spends per resident join and per vote: a
deterministic stand-in for wall-clock join storms on a shared, noisy machine.

    flock /tmp/pact-bench.lock python -m bench.join_instructions ROOT DBNAME [--joins 100] [--votes 200]

ROOT is the checkout whose server is measured (its own bench/run.py prepares the database and the
meeting); the client is always this checkout's bench/live_client.py. The server runs under
`valgrind --tool=callgrind` (about 50x slower); counters are zeroed, K residents join one after
another, the counters are dumped; then V votes one after another (each from the next resident,
issues round-robin); then an idle period as long as the join period (background: timers, the tally
ticker, pings) is dumped too. Ir/join and Ir/vote are net of the idle rate over their wall time.
Results: printed, and bench/results/instructions-<UTC stamp>.json.
"""
from __future__ import annotations

import argparse
import asyncio
import glob
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import requests

from bench.live_client import Resident

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
OUT_DIR = Path("/tmp/cg")


class MeasuredResident(Resident):
    """bench.live_client.Resident, also keeping the byte size of each raw ack message."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.ack_bytes: dict[int, int] = {}

    def acked(self, message: str, body: str) -> None:
        """Note the raw ack's size in bytes, then resolve its call as every resident does."""
        self.ack_bytes[int(body[:body.index("[")])] = len(message.encode())
        super().acked(message, body)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(root: Path, url: str) -> int:
    code = "from bench import run; run.prepare_database(URL); print(run.fresh_meeting(URL)[0])".replace("URL", repr(url))
    out = subprocess.run([PYTHON, "-c", code], cwd=root, check=True, capture_output=True, text=True,
                         env={**os.environ, "PYTHONHASHSEED": "0"})
    return int(out.stdout.strip().splitlines()[-1])


def control(flag: str, pid: int) -> None:
    subprocess.run(["callgrind_control", flag, str(pid)], check=True, capture_output=True, timeout=600)


def dump_files(prefix: str, pid: int) -> list[str]:
    files = glob.glob(f"{prefix}.{pid}.*")
    return sorted(files, key=lambda f: int(f.rsplit(".", 1)[1]) if f.rsplit(".", 1)[1].isdigit() else -1)


def dump(prefix: str, pid: int) -> tuple[str, int]:
    """Dump the counters since the last zero/dump; (the new dump file, its total Ir)."""
    before = set(dump_files(prefix, pid))
    control("-d", pid)
    for _ in range(600):
        new = [f for f in dump_files(prefix, pid) if f not in before]
        if new:
            path = new[-1]
            total = read_total(path)
            if total is not None:
                return path, total
        time.sleep(0.5)
    raise RuntimeError("no new callgrind dump")


def read_total(path: str) -> int | None:
    total = None
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith(("totals:", "summary:")):
                total = int(line.split()[1])
    return total


def self_costs(path: str) -> tuple[dict[str, int], dict[str, int]]:
    """Exclusive Ir per function ("fn [object]") and per object file, parsed from a callgrind dump."""
    names: dict[str, dict[str, str]] = {"ob": {}, "fn": {}, "fl": {}}
    by_fn: dict[str, int] = defaultdict(int)
    by_ob: dict[str, int] = defaultdict(int)
    ob = fn = ""
    skip_next = False
    compressed = re.compile(r"^\((\d+)\)(?: (.*))?$")

    def name(kind: str, value: str) -> str:
        m = compressed.match(value)
        if not m:
            return value
        if m.group(2) is not None:
            names[kind][m.group(1)] = m.group(2)
            return m.group(2)
        return names[kind].get(m.group(1), value)

    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            c = line[0]
            if c.isdigit() or c in "+-*":
                if skip_next:  # the inclusive cost of a call, not this function's own
                    skip_next = False
                    continue
                parts = line.split()
                if len(parts) > 1:
                    ir = int(parts[1])
                    by_fn[f"{fn} [{os.path.basename(ob)}]"] += ir
                    by_ob[os.path.basename(ob)] += ir
                continue
            key, _, value = line.partition("=")
            if key == "ob":
                ob = name("ob", value)
            elif key == "fn":
                fn = name("fn", value)
            elif key in ("cob",):
                name("ob", value)
            elif key in ("cfn", "cfi", "cfl", "fl", "fi", "fe"):
                name("fn" if key == "cfn" else "fl", value)
            elif key == "calls":
                skip_next = True
    return dict(by_fn), dict(by_ob)


def top_inclusive(path: str, n: int = 25) -> list[dict]:
    out = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", path],
                         capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        m = re.match(r"^\s*([\d,]+)\s+(?:\(\s*[\d.]+%\)\s+)?(.+?)\s*$", line)
        if m and ":" in m.group(2) and not line.lstrip().startswith("Ir"):
            rows.append({"ir": int(m.group(1).replace(",", "")), "function": m.group(2)})
        if len(rows) >= n:
            break
    return rows


GROUPS = [  # share of the dump's own (exclusive) Ir, by object file or function name
    ("_PyEval_EvalFrameDefault (self)", lambda fn, ob: fn.startswith("_PyEval_EvalFrameDefault")),
    ("python interpreter (all self)", lambda fn, ob: ob.startswith(("python", "libpython"))),
    ("orjson", lambda fn, ob: "orjson" in ob),
    ("psycopg/libpq", lambda fn, ob: "psycopg" in ob or "libpq" in ob),
    ("ssl/crypto/hashlib/hmac", lambda fn, ob: any(s in ob for s in ("ssl", "crypto", "hashlib", "hmac", "_blake"))),
    ("gevent/greenlet", lambda fn, ob: "gevent" in ob or "greenlet" in ob or "libev" in ob or "corecext" in ob),
    ("sqlalchemy (C ext)", lambda fn, ob: "sqlalchemy" in ob),
    ("libc", lambda fn, ob: ob.startswith(("libc.so", "libc-"))),
    ("kernel/ld/valgrind", lambda fn, ob: ob.startswith(("ld-linux", "vgpreload")) or ob == "???"),
]


def shares(path: str, total: int) -> dict:
    by_fn, by_ob = self_costs(path)
    result = {}
    for label, test in GROUPS:
        ir = sum(v for k, v in by_fn.items() if test(k.rsplit(" [", 1)[0], k.rsplit(" [", 1)[1].rstrip("]")))
        result[label] = {"ir": ir, "share": round(ir / total, 4) if total else None}
    return {"groups": result,
            "objects": sorted(({"object": k, "ir": v} for k, v in by_ob.items()), key=lambda r: -r["ir"])[:15],
            "self_top": sorted(({"function": k, "ir": v} for k, v in by_fn.items()), key=lambda r: -r["ir"])[:25]}


async def traffic(base: str, meeting: int, k: int, v: int, warmup: int, pid: int, prefix: str) -> dict:
    loop = asyncio.get_running_loop()

    async def blocking(fn, *args):
        return await loop.run_in_executor(None, fn, *args)

    # Warm-up (not counted): first-time costs (imports, SQL compilation caches) out of the way.
    warm = [MeasuredResident(base, meeting, f"Warm {i}", timeout=600) for i in range(warmup)]
    for i, r in enumerate(warm):
        await r.start()
        await r.call("vote", {"issue_id": 60 - i}, timeout=600)
    await asyncio.sleep(2)

    async def counted(phase):
        """Zero the counters, run `phase`, dump: (its result, dump file, Ir, wall to the end of
        the phase, wall to the end of the dump); a 2 s pause first lets the last phase settle."""
        await asyncio.sleep(2)
        await blocking(control, "-z", pid)
        t0 = time.monotonic()
        result = await phase()
        wall = time.monotonic() - t0
        file, ir = await blocking(dump, prefix, pid)
        return result, file, ir, wall, time.monotonic() - t0

    async def join_all():
        joined = []
        for i in range(k):
            r = MeasuredResident(base, meeting, f"Resident {i}", timeout=600)
            await r.start()
            joined.append(r)
        return joined

    async def vote_all():
        # each vote from the next resident, issues round-robin
        return [await residents[j % k].call("vote", {"issue_id": (j + j // k) % 60 + 1}, timeout=600) for j in range(v)]

    residents, join_file, join_ir, join_wall, join_wall_dump = await counted(join_all)
    acks, vote_file, vote_ir, vote_wall, vote_wall_dump = await counted(vote_all)
    _, idle_file, idle_ir, _, idle_wall = await counted(lambda: asyncio.sleep(join_wall))

    join_ack = residents[0].ack_bytes.get(1)
    closed = sum(r.closed_early for r in residents + warm)
    for r in residents + warm:
        r.finished = True
        await r.leave()
    return {"join_ir": join_ir, "join_wall": join_wall, "join_wall_to_dump": join_wall_dump, "join_file": join_file,
            "vote_ir": vote_ir, "vote_wall": vote_wall, "vote_wall_to_dump": vote_wall_dump, "vote_file": vote_file,
            "idle_ir": idle_ir, "idle_wall": idle_wall, "idle_file": idle_file,
            "join_ack_bytes": join_ack, "join_ack_bytes_all": sorted({r.ack_bytes.get(1) for r in residents}),
            "join_retries": sum(r.join_retries for r in residents),
            "votes_ok": sum(1 for a in acks if a.get("ok", True) and not a.get("error")),
            "vote_errors": sorted({str(a.get("error")) for a in acks if a.get("error")}),
            "vote_ack_bytes": sorted({r.ack_bytes.get(2) for r in residents if r.ack_bytes.get(2)}),
            "closed_early": closed}


def measure(root: Path, dbname: str, k: int, v: int, warmup: int, name: str) -> dict:
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{dbname}"
    t_start = time.monotonic()
    meeting = prepare(root, url)
    port = free_port()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    prefix = str(OUT_DIR / name)
    env = {k_: v_ for k_, v_ in os.environ.items() if k_ != "PACT_MESSAGE_QUEUE"}
    env.update({"PACT_DATABASE_URL": url, "PACT_DEMO": "0", "PACT_SECRET_KEY": "bench", "PACT_RATE_LIMITS": "off",
                "PACT_ASYNC_MODE": "gevent", "PACT_MAIL_WORKER": "0", "PYTHONHASHSEED": "0"})
    log = open(f"{prefix}.log", "w")
    server = subprocess.Popen(["valgrind", "--tool=callgrind", f"--callgrind-out-file={prefix}.%p", "--collect-atstart=yes",
                               PYTHON, "-m", "pact.serve_gevent", "--port", str(port)],
                              cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        t0 = time.monotonic()
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"server exited {server.returncode}; see {prefix}.log")
            try:
                if requests.get(f"{base}/healthz", timeout=30).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() - t0 > 900:
                raise RuntimeError("no /healthz 200 in 15 minutes")
            time.sleep(2)
        startup = time.monotonic() - t0
        import psutil

        children = [c.pid for c in psutil.Process(server.pid).children(recursive=True)]
        data = asyncio.run(traffic(base, meeting, k, v, warmup, server.pid, prefix))
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
    idle_rate = data["idle_ir"] / data["idle_wall"]
    join_net = data["join_ir"] - idle_rate * data["join_wall_to_dump"]
    vote_net = data["vote_ir"] - idle_rate * data["vote_wall_to_dump"]
    return {"root": str(root), "commit": git_head(root), "dbname": dbname, "meeting": meeting, "K": k, "V": v,
            "warmup_residents": warmup, "server_children": children, "startup_seconds": round(startup, 1),
            "ir_per_join": round(join_net / k), "ir_per_join_gross": round(data["join_ir"] / k),
            "ir_per_vote": round(vote_net / v) if v else None,
            "ir_per_vote_gross": round(data["vote_ir"] / v) if v else None,
            "idle_ir_per_second": round(idle_rate), "total_wall_seconds": round(time.monotonic() - t_start, 1),
            **{key: (round(val, 2) if isinstance(val, float) else val) for key, val in data.items()},
            "join_top_inclusive": top_inclusive(data["join_file"]),
            "join_shares": shares(data["join_file"], data["join_ir"]),
            "vote_shares": shares(data["vote_file"], data["vote_ir"]),
            "idle_shares": shares(data["idle_file"], data["idle_ir"])["groups"]}


def git_head(root: Path) -> str:
    return subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("dbname")
    parser.add_argument("--joins", type=int, default=100)
    parser.add_argument("--votes", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=2, help="residents that join and vote before counting")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    root = args.root.resolve()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    runs = []
    for rep in range(args.repeat):
        name = f"{git_head(root)}-{stamp}-{rep}"
        result = measure(root, args.dbname, args.joins, args.votes, args.warmup, name)
        runs.append(result)
        brief = {k: result[k] for k in ("commit", "K", "V", "ir_per_join", "ir_per_vote", "idle_ir_per_second",
                                         "join_ack_bytes", "join_wall", "vote_wall", "total_wall_seconds",
                                         "votes_ok", "vote_errors", "server_children")}
        print(json.dumps(brief), flush=True)
    out = HERE / "results" / f"instructions-{stamp}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"stamp": stamp, "commit": runs[0]["commit"], "runs": runs}, indent=1))
    print(out, flush=True)


if __name__ == "__main__":
    main()
