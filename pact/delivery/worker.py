"""The mail worker: `python -m pact.delivery.worker` (or `flask --app wsgi mail worker`).

`serve` starts one beside itself (MAIL_WORKER, default on), so `make run` delivers mail with no
second command. It is a process of its own, not a thread of the server: rendering and SMTP never
take time from the live server's event loop, in threading and gevent mode alike. It runs huey's
consumer (threads) and, every MAIL_SWEEP_INTERVAL seconds, the sweep (due reminders, lost jobs).
Started by a server, it exits when that server does (even after kill -9).
"""
from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import threading
import time

from flask import Flask

log = logging.getLogger("pact.delivery.worker")

STARTED_ENV = "PACT_MAIL_WORKER_STARTED"


def start_beside(app: Flask) -> subprocess.Popen | None:
    """Start the worker as a child of this server process, once (a gevent re-exec keeps it)."""
    if not app.config.get("MAIL_WORKER", True) or os.environ.get(STARTED_ENV):
        return None
    os.environ[STARTED_ENV] = str(os.getpid())
    describe(app)
    # The niceness on the command line: the worker takes it before importing the app (2 s of CPU),
    # so a server restarted into a reconnect storm is not slowed by its own worker starting up.
    return subprocess.Popen([sys.executable, "-m", "pact.delivery.worker", "--parent", str(os.getpid()),
                             "--nice", str(int(app.config["MAIL_WORKER_NICE"]))])


def describe(app: Flask) -> None:
    """Say where mail goes (`make run` prints it)."""
    from pact.delivery.transport import outbox_folder, parse_mail_url

    url = app.config.get("MAIL_URL")
    if url:
        s = parse_mail_url(url)
        print(f"PACT Live: e-mail goes to {s['scheme']}://{s['host']}:{s['port']}", flush=True)
    else:
        print(f"PACT Live: no PACT_MAIL_URL, so e-mail is written to {outbox_folder(app.config, app.instance_path)}/"
              " as .eml files", flush=True)


def _sweeper(app: Flask, interval: float, parent: int | None, stop: threading.Event) -> None:
    from pact.delivery.queue import run_sweep

    next_sweep = 0.0
    while not stop.is_set():
        if parent is not None and os.getppid() != parent:
            log.info("the server that started this worker has gone; stopping")
            os._exit(0)
        if time.monotonic() >= next_sweep:
            try:
                run_sweep(app)
            except Exception:
                log.exception("mail sweep failed; trying again at the next one")
            next_sweep = time.monotonic() + interval
        stop.wait(0.5)


def run(app: Flask, *, parent: int | None = None, niced: bool = False) -> None:
    """Run the mail worker for `app`: huey's consumer (niced below the server, unless `niced` says
    that is done) and the periodic sweep, until stopped or `parent` exits."""
    from pact.delivery.queue import mail_queue

    cfg = app.config
    # Mail can wait a second; a live meeting cannot. On a machine with few cores the worker gives the
    # server the CPU first (measured: make bench-mail, docs/performance.md).
    nice = int(cfg.get("MAIL_WORKER_NICE", 10))
    if nice and not niced:
        os.nice(nice)
    queue = mail_queue(app)
    consumer = queue.create_consumer(workers=int(cfg["MAIL_WORKERS"]), worker_type="thread", periodic=False,
                                     scheduler_interval=1, initial_delay=0.05, max_delay=1.0)
    stop = threading.Event()
    threading.Thread(target=_sweeper, args=(app, float(cfg["MAIL_SWEEP_INTERVAL"]), parent, stop),
                     name="mail-sweep", daemon=True).start()
    try:
        consumer.run()
    finally:
        stop.set()


def main() -> None:
    """`python -m pact.delivery.worker [--parent PID]`: the worker as its own process."""
    parser = argparse.ArgumentParser(description="Send PACT Live's e-mail.")
    parser.add_argument("--parent", type=int, default=None, help="exit when this process does")
    parser.add_argument("--nice", type=int, default=None,
                        help="lower the CPU priority by this much before starting (default: MAIL_WORKER_NICE, once loaded)")
    args = parser.parse_args()
    if args.nice:
        os.nice(args.nice)  # before the imports: starting up is most of the worker's CPU while idle
    logging.basicConfig(level=os.environ.get("PACT_LOG_LEVEL", "INFO"))
    logging.getLogger("huey").setLevel(logging.WARNING)

    # The worker serves no sockets: threading mode, whatever the server it runs beside uses (gevent
    # without its monkey-patching would be neither here nor there).
    os.environ["PACT_ASYNC_MODE"] = "threading"
    from pact import create_app

    run(create_app(migrations=False), parent=args.parent, niced=args.nice is not None)


if __name__ == "__main__":
    main()
