"""Join storm alone: wall time, and CPU seconds of the server, the load process and PostgreSQL, for N
residents joining one gevent process at once (no votes), with the machine's busy and niced time over
the same window. Used to tell a slower join (more CPU per join) from a busier machine.

    python -m bench.join_cost 2000 postgresql+psycopg://postgres@127.0.0.1:5432/pact_bench 2 [PACT_X=y ...]
    PROFILE=/tmp/join python -m bench.join_cost ...   # also py-spy the server during the storm (raw stacks)

One JSON line per repetition; run it under `flock /tmp/pact-bench.lock bench/prio.sh …`.
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time

import psutil
import requests

from bench import run as bench_run


def child(url: str, meeting: int, n: int) -> None:
    """The load process: N residents join at once; print the result, then hold the sockets until stdin says."""
    from bench.live_client import Resident, spaced_collections

    if os.environ.get("PACT_BENCH_CLIENT_GC", "spaced") == "spaced":
        spaced_collections()

    async def go() -> None:
        residents = [Resident(url, meeting, f"Resident {i}") for i in range(n)]
        t0 = time.monotonic()
        done = await asyncio.gather(*(r.start() for r in residents), return_exceptions=True)
        ok = [d for d in done if isinstance(d, float)]
        print(json.dumps({"joined": len(ok), "seconds": round(max(ok, default=t0) - t0, 2),
                          "retries": sum(r.join_retries for r in residents),
                          "err": next((repr(d) for d in done if isinstance(d, BaseException)), None)}), flush=True)
        sys.stdin.readline()

    asyncio.run(go())


def postgres_cpu() -> float:
    total = 0.0
    for proc in psutil.process_iter(["name", "cpu_times"]):
        if (proc.info["name"] or "").startswith("postgres") and proc.info["cpu_times"]:
            total += proc.info["cpu_times"].user + proc.info["cpu_times"].system
    return total


def busy(t) -> float:
    return t.user + t.system + t.nice + t.irq + t.softirq


def storm(url: str, n: int, rep: int, extra: dict[str, str]) -> dict:
    meeting_id, _ = bench_run.fresh_meeting(url)
    env = {**os.environ, "PACT_DATABASE_URL": url, "PACT_DEMO": "0", "PACT_SECRET_KEY": "bench",
           "PACT_RATE_LIMITS": "off", "PACT_ASYNC_MODE": "gevent", **extra}
    env.pop("PACT_MESSAGE_QUEUE", None)
    port = bench_run.free_port()
    log = open(f"/tmp/pact-join-cost-{port}.log", "wb")
    server = subprocess.Popen([sys.executable, "-m", "pact.serve_gevent", "--port", str(port)], env=env,
                              cwd=bench_run.ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        proc = psutil.Process(server.pid)
        spy = None
        if os.environ.get("PROFILE"):
            spy = subprocess.Popen([str(bench_run.ROOT / ".venv" / "bin" / "py-spy"), "record", "--pid", str(server.pid),
                                    "--rate", "200", "--nonblocking", "--format", "raw",
                                    "-o", f"{os.environ['PROFILE']}.{rep}.raw"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1)
        cpu0, rss0 = sum(proc.cpu_times()[:2]), proc.memory_info().rss
        pg0, machine0, wall0 = postgres_cpu(), psutil.cpu_times(), time.monotonic()
        load = subprocess.Popen([sys.executable, "-m", "bench.join_cost", "child", f"http://127.0.0.1:{port}",
                                 str(meeting_id), str(n)], cwd=bench_run.ROOT,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        result = json.loads(load.stdout.readline())
        cpu1, rss1 = sum(proc.cpu_times()[:2]), proc.memory_info().rss
        pg1, machine1, wall1 = postgres_cpu(), psutil.cpu_times(), time.monotonic()
        if spy is not None:
            spy.send_signal(signal.SIGINT)
            spy.wait(30)
        result.update({
            "server_cpu_s": round(cpu1 - cpu0, 2), "cpu_ms_per_join": round(1000 * (cpu1 - cpu0) / n, 2),
            "load_cpu_s": round(sum(psutil.Process(load.pid).cpu_times()[:2]), 2), "pg_cpu_s": round(pg1 - pg0, 2),
            "machine_busy_s": round(busy(machine1) - busy(machine0), 2),
            "others_niced_s": round(machine1.nice - machine0.nice, 2),
            "idle_s": round(machine1.idle - machine0.idle, 2), "wall_s": round(wall1 - wall0, 2),
            "rss_before_mb": round(rss0 / 2**20), "rss_after_mb": round(rss1 / 2**20),
            "load_average": round(os.getloadavg()[0], 2),
        })
        load.stdin.write("\n")
        load.stdin.flush()
        load.wait(30)
        return result
    finally:
        server.terminate()
        server.wait(10)
        log.close()


def main() -> None:
    if sys.argv[1] == "child":
        child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
        return
    n, url = int(sys.argv[1]), sys.argv[2]
    repeat = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    extra = dict(arg.split("=", 1) for arg in sys.argv[4:])
    bench_run.prepare_database(url)
    for rep in range(repeat):
        print(json.dumps(storm(url, n, rep, extra)), flush=True)


if __name__ == "__main__":
    main()
