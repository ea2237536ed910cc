"""`make bench-mail`: hand 10,000 messages to a local SMTP server (aiosmtpd) while 500 residents vote
in a live meeting on the same server, and compare vote-to-tally latency before and during the send.

One gevent server process (pact.serve_gevent) on PostgreSQL with its mail worker beside it (as
`make run` starts it: the embedded SQLite job queue), 10,000 confirmed subscribers of the meeting's
beat, and a separate load process (bench/live_client.py's residents, as in bench/load.py). Halfway
into the quiet part the meeting's "live now" event is recorded, which the worker fans out and sends
in batches. Figures go to bench/results/mail-<stamp>.json. Not a test: nothing here asserts a speed.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from bench.live_client import Resident, latencies, percentiles, steady_votes
from bench.run import RESULTS, ROOT, Sampler, free_port, fresh_meeting, prepare_database

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/pact_bench_mail"


# --- the load process: bench/live_client.py's residents, every vote's latency with its wall-clock time

async def vote_latencies(args) -> dict:
    issues = [int(i) for i in args.issues.split(",")]
    step = max(1, args.residents // args.sample)
    residents = [Resident(args.url, args.meeting, f"Resident {i}", sampled=i % step == 0)
                 for i in range(args.residents)]
    joined = await asyncio.gather(*(r.start() for r in residents), return_exceptions=True)
    live = [r for r, j in zip(residents, joined) if not isinstance(j, BaseException)]
    await asyncio.sleep(2)
    Path(args.ready).write_text(str(time.time()))  # the orchestrator starts its clock from here
    sent, _ = await steady_votes(live, issues, args.rate, args.duration,
                                 lambda resident, issue: resident.call("vote", {"issue_id": issue}))
    await asyncio.sleep(3)
    for r in residents:
        r.finished = True
    # (wall time sent, latency seconds), one per sampled resident
    per_vote = [(vote.wall, delay) for r in live if r.sampled for vote, delay in latencies(r, sent) if delay is not None]
    await asyncio.gather(*(r.ws.close() for r in live), return_exceptions=True)
    return {"joined": len(live), "votes_sent": len(sent), "per_vote": per_vote,
            "disconnects": sum(1 for r in live if r.closed_early)}


# --- the orchestrator ----------------------------------------------------------------------------

class CountingInbox:
    """The benchmark's SMTP server keeps only each message's envelope recipients and size: parsing
    10,000 messages (tests.smtp_server's Inbox) would take CPU from the server being measured."""

    def __init__(self) -> None:
        self.recipients: list[str] = []
        self.bytes = 0

    async def handle_DATA(self, server, session, envelope):
        self.recipients.append(", ".join(envelope.rcpt_tos))
        self.bytes += len(envelope.content)
        return "250 OK"


def start_counting_smtp(port: int):
    from aiosmtpd.controller import Controller

    inbox = CountingInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox


def add_subscribers(url: str, count: int, secret: str) -> None:
    os.environ.update({"PACT_DATABASE_URL": url, "PACT_SECRET_KEY": secret})
    from pact import create_app
    from pact.extensions import db
    from pact.models import Beat, Subscription, SubscriptionState, utcnow
    from pact.notifications import tokens
    from pact.services import services

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": secret})
    with app.app_context():
        beat_id = db.session.scalar(db.select(Beat.id))
        now = utcnow()
        rows = [{"beat_id": beat_id, "email": f"resident{n}@example.org",
                 "address_hash": tokens.address_hash(f"resident{n}@example.org"), "state": SubscriptionState.ACTIVE,
                 "reminders": True, "summaries": True, "progress": True, "manage_nonce": tokens.new_nonce(),
                 "created_at": now, "confirmed_at": now} for n in range(count)]
        db.session.execute(db.insert(Subscription), rows)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    services(app).ticker.stop()


def announce_live(url: str, meeting_id: int, secret: str) -> None:
    """What an officer opening the meeting does: record the "live now" event (the worker's sweep finds it)."""
    from pact import create_app, notifications
    from pact.extensions import db
    from pact.models import Meeting, utcnow
    from pact.services import services

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": secret})
    with app.app_context():
        notifications.meeting_live(db.session.get(Meeting, meeting_id), utcnow())
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    services(app).ticker.stop()


def sent_count(engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(text("SELECT count(*) FROM mail_deliveries WHERE state = 'sent'")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default=os.environ.get("BENCH_MAIL_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--residents", type=int, default=500)
    parser.add_argument("--rate", type=float, default=100, help="votes per second")
    parser.add_argument("--quiet", type=float, default=20, help="seconds of voting before the send starts")
    parser.add_argument("--duration", type=float, default=None,
                        help="seconds of voting in all (default: the quiet part, the send at the rate cap, 20 s more)")
    parser.add_argument("--mail-rate", type=float, default=None,
                        help="PACT_MAIL_RATE_PER_SECOND for the worker (default: the app's default)")
    parser.add_argument("--load", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url"), parser.add_argument("--meeting", type=int), parser.add_argument("--issues")
    parser.add_argument("--sample", type=int, default=50), parser.add_argument("--out"), parser.add_argument("--ready")
    args = parser.parse_args()
    if args.load:
        Path(args.out).write_text(json.dumps(asyncio.run(vote_latencies(args))))
        return

    from pact.config import Defaults

    secret = "bench"
    mail_rate = args.mail_rate if args.mail_rate is not None else float(
        os.environ.get("PACT_MAIL_RATE_PER_SECOND", Defaults.MAIL_RATE_PER_SECOND))
    if args.duration is None:  # vote through the whole send, so "during" covers all of it
        args.duration = args.quiet + (args.messages / mail_rate if mail_rate else 120) + 20
    prepare_database(args.database)
    meeting_id, issues = fresh_meeting(args.database)
    add_subscribers(args.database, args.messages, secret)
    smtp_port, port = free_port(), free_port()
    controller, inbox = start_counting_smtp(smtp_port)
    tmp = Path(tempfile.mkdtemp(prefix="pact-bench-mail-"))
    env = {**os.environ, "PACT_DATABASE_URL": args.database, "PACT_DEMO": "0", "PACT_SECRET_KEY": secret,
           "PACT_RATE_LIMITS": "off", "PACT_ASYNC_MODE": "gevent", "PACT_MAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
           "PACT_MAIL_QUEUE_PATH": str(tmp / "mail-queue.sqlite3"), "PACT_MAIL_SWEEP_INTERVAL": "1",
           "PACT_BASE_URL": "https://pact.example.police.uk", "PACT_MAIL_WORKER": "on",
           "PACT_MAIL_RATE_PER_SECOND": str(mail_rate)}
    env.pop("PACT_MESSAGE_QUEUE", None)
    env.pop("PACT_MAIL_WORKER_STARTED", None)
    log = open(tmp / "server.log", "wb")
    server = subprocess.Popen([sys.executable, "-m", "pact.serve_gevent", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    engine = create_engine(args.database)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so `finally` stops the server it started
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        import psutil

        family = [server.pid] + [c.pid for c in psutil.Process(server.pid).children()]
        sampler = Sampler(family)
        sampler.start()
        out, ready = tmp / "load.json", tmp / "ready"
        load = subprocess.Popen([sys.executable, "-m", "bench.mail", "--load", "--url", f"http://127.0.0.1:{port}",
                                 "--meeting", str(meeting_id), "--issues", ",".join(map(str, issues)),
                                 "--residents", str(args.residents), "--rate", str(args.rate),
                                 "--duration", str(args.duration), "--out", str(out), "--ready", str(ready)], cwd=ROOT)
        while not ready.exists():
            if load.poll() is not None:
                raise SystemExit(f"the load process stopped early (exit {load.returncode})")
            time.sleep(0.1)
        time.sleep(args.quiet)
        mail_start = time.time()
        announce_live(args.database, meeting_id, secret)
        mail_end = None
        while load.poll() is None or mail_end is None:
            if mail_end is None and len(inbox.recipients) >= args.messages:
                mail_end = time.time()
            if load.poll() is not None and mail_end is None and time.time() - mail_start > 1800:
                break
            time.sleep(0.2)
        sampler.stop_flag.set()
        worker_cpu = sum(sum(psutil.Process(pid).cpu_times()[:2]) for pid in family[1:] if psutil.pid_exists(pid))
        result = json.loads(out.read_text())
        per_vote = result.pop("per_vote")
        before = [lat for wall, lat in per_vote if wall < mail_start]
        during = [lat for wall, lat in per_vote if mail_start <= wall <= (mail_end or float("inf"))]
        handed = round(mail_end - mail_start, 1) if mail_end else None
        figures = {
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "messages": args.messages, "messages_received": len(inbox.recipients),
            "mail_rate_per_second": mail_rate, "mean_message_bytes": round(inbox.bytes / max(1, len(inbox.recipients))),
            "messages_marked_sent": sent_count(engine),
            "send_seconds": handed, "messages_per_second": round(args.messages / handed, 1) if handed else None,
            "residents": args.residents, "joined": result["joined"], "votes_per_second": args.rate,
            "vote_to_tally_before_ms": percentiles(before), "vote_to_tally_during_ms": percentiles(during),
            "disconnects": result["disconnects"], "duplicates": len(inbox.recipients) - len(set(inbox.recipients)),
            "worker_cpu_seconds": round(worker_cpu, 1),
            "peak_rss_mb_server_and_worker": [round(r / 2**20, 1) for r in sampler.peak_rss],
            "setup": "1 gevent server + its mail worker (2 threads, SQLite job queue, nice 10), PostgreSQL, "
                     "aiosmtpd and the load process on the same 2-core machine",
        }
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"mail-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
        path.write_text(json.dumps(figures, indent=2) + "\n")
        print(json.dumps(figures, indent=2))
        print(f"saved {path.relative_to(ROOT)}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
        controller.stop()
        engine.dispose()
        log.close()


if __name__ == "__main__":
    main()
