"""`make conformance`: the official engine.io-protocol and socket.io-protocol suites against our
servers (threading and gevent, with this app's guards) and stock python-socketio, side by side.

The suites are not in this repository: point CONFORMANCE_SUITES at a folder holding checkouts of
the Socket.IO project's `engine.io-protocol` and `socket.io-protocol` repositories. Each suite's
`test-suite/` is copied to a temporary folder, its pinned dependencies installed with `npm ci`, its
fixed server address (localhost:3000) pointed at a free port, and run with mocha's JSON reporter.
Results: bench/results/conformance.json and a table on stdout.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SUITES = {"engine": "engine.io-protocol", "socket": "socket.io-protocol"}
FLAVOURS = [("ours", False), ("stock", True)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(suite_dir: Path, work: Path) -> Path:
    target = work / suite_dir.name
    shutil.copytree(suite_dir / "test-suite", target, ignore=shutil.ignore_patterns("node_modules"))
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=target, check=True)
    return target


def run_one(suite: str, copy: Path, mode: str, stock: bool) -> dict:
    port = free_port()
    source = (copy / "test-suite.js").read_text()
    (copy / "test-suite.js").write_text(source.replace("http://localhost:3000", f"http://127.0.0.1:{port}"))
    command = [sys.executable, "-m", "bench.conformance.server", "--suite", suite, "--mode", mode, "--port", str(port)]
    log = open(copy / f"server-{mode}-{'stock' if stock else 'ours'}.log", "wb")
    server = subprocess.Popen(command + (["--stock"] if stock else []), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        mocha = ["npx", "mocha", "--exit", "--reporter", "json", "--timeout", "5000", "test-suite.js"]
        out = subprocess.run(mocha, cwd=copy, capture_output=True, text=True, timeout=300)
    finally:
        server.kill()
        server.wait()
        (copy / "test-suite.js").write_text(source)
    report = json.loads(out.stdout[out.stdout.index("{"):])
    return {"passed": report["stats"]["passes"], "failed": report["stats"]["failures"],
            "tests": report["stats"]["tests"], "failures": [f["fullTitle"] for f in report["failures"]]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suites", default=os.environ.get("CONFORMANCE_SUITES", ""),
                        help="folder with engine.io-protocol/ and socket.io-protocol/ checkouts")
    parser.add_argument("--modes", default="threading,gevent")
    args = parser.parse_args()
    base = Path(args.suites)
    missing = [name for name in SUITES.values() if not (base / name / "test-suite").is_dir()]
    if not args.suites or missing:
        sys.exit(f"CONFORMANCE_SUITES must name a folder holding {', '.join(SUITES.values())} checkouts "
                 f"(missing: {', '.join(missing)})")
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="pact-conformance-") as work:
        for suite, name in SUITES.items():
            copy = prepare(base / name, Path(work))
            for mode in args.modes.split(","):
                for flavour, stock in FLAVOURS:
                    result = run_one(suite, copy, mode, stock)
                    results[f"{name} {mode} {flavour}"] = result
                    print(f"{name:20} {mode:9} {flavour:5} {result['passed']:3}/{result['tests']} passed", flush=True)
                    for title in result["failures"]:
                        print(f"    failed: {title}")
    out = ROOT / "bench" / "results" / "conformance.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
