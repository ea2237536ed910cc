"""`make run-cluster`: N gevent server processes and the sticky proxy, on one machine.

`python -m pact.cluster --processes 2 --port 5000` starts processes on PORT+1… and the proxy on
PORT; Ctrl+C (or SIGTERM) stops them all; a process that dies is restarted, as a process manager
would. Needs PACT_MESSAGE_QUEUE (Redis) so the processes share rooms, and a database all of them
reach (PostgreSQL; see docs/deploy.md).
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser(description="Run several PACT Live processes behind one address.")
    parser.add_argument("--processes", type=int, default=int(os.environ.get("PROCESSES", "2")))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")))
    args = parser.parse_args()
    if not os.environ.get("PACT_MESSAGE_QUEUE"):
        sys.exit("PACT_MESSAGE_QUEUE is not set: processes could not share rooms (e.g. redis://127.0.0.1:6379/0).")
    env = {**os.environ, "PACT_ASYNC_MODE": "gevent"}
    ports = [args.port + 1 + i for i in range(args.processes)]

    def start(port: int) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "pact.serve_gevent", "--host", "127.0.0.1", "--port", str(port)],
                                env=env)

    servers = {port: start(port) for port in ports}
    proxy = subprocess.Popen([sys.executable, "-m", "pact.proxy", "--host", args.host, "--port", str(args.port),
                              *[f"127.0.0.1:{p}" for p in ports]])
    stopping = False

    def stop(*_args) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while not stopping:
            time.sleep(0.5)
            for port, proc in list(servers.items()):
                if proc.poll() is not None and not stopping:
                    print(f"process on port {port} exited ({proc.returncode}); restarting", flush=True)
                    servers[port] = start(port)
    finally:
        for proc in [proxy, *servers.values()]:
            if proc.poll() is None:
                proc.terminate()
        for proc in [proxy, *servers.values()]:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    main()
