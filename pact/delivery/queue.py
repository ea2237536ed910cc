"""The mail job queue (huey): SQLite in instance/ by default, the Redis server when
PACT_MESSAGE_QUEUE is set. Jobs carry ids only; the database says what is still to send.

- `mail.dispatch` fans out every event not yet fanned out and queues its send batches;
- `mail.send` sends one batch and, after a temporary SMTP failure, queues itself again for the
  time the batch says (the delay doubles with each attempt: MAIL_RETRY_DELAY, 2×, 4×…);
- the worker's sweep (worker.py) plans due reminders and re-queues anything a crash lost.
"""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from huey import RedisHuey, SqliteHuey
from huey.api import Huey

from pact.services import services

log = logging.getLogger(__name__)

QUEUE_NAME = "pact-mail"


def build_queue(app: Flask) -> Huey:
    """A new queue for `app` with its two tasks; `services().mail_queue` keeps the process's one."""
    cfg = app.config
    if cfg.get("MESSAGE_QUEUE"):
        huey: Huey = RedisHuey(QUEUE_NAME, url=cfg["MESSAGE_QUEUE"], results=False, utc=True)
    else:
        path = Path(cfg.get("MAIL_QUEUE_PATH") or Path(app.instance_path) / "mail-queue.sqlite3")
        path.parent.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(QUEUE_NAME, filename=str(path), results=False, utc=True)

    @huey.task(name="mail.dispatch")
    def dispatch() -> None:
        from pact.delivery import dispatch as work
        from pact.models import utcnow

        with app.app_context():
            for event_id in work.unsent_events():
                for batch in work.fan_out(event_id, now=utcnow()):
                    send(batch)

    @huey.task(name="mail.send")
    def send(ids: list[int]) -> None:
        from pact.delivery import dispatch as work

        with app.app_context():
            retry_at = work.send_batch(ids)
        if retry_at is not None:
            send.schedule((ids,), eta=retry_at.replace(tzinfo=None))  # huey's utc=True takes naive UTC

    huey.pact_tasks = {"dispatch": dispatch, "send": send}  # type: ignore[attr-defined]
    return huey


def mail_queue(app: Flask | None = None) -> Huey:
    """This app's queue (`services().mail_queue`, built on first use, so nothing is opened at import time)."""
    return services(app).mail_queue


def dispatch_soon() -> None:
    """After commit: have the worker fan out and send what was just recorded. If this is lost (the
    queue is down), the worker's next sweep finds the event in the database anyway."""
    try:
        mail_queue().pact_tasks["dispatch"]()
    except Exception:
        log.exception("could not queue mail; the worker's sweep will pick it up")


def run_sweep(app: Flask) -> None:
    """Plan due reminders, tidy up, and queue what is still to do (the worker calls this periodically)."""
    from pact.delivery import dispatch as work
    from pact.models import utcnow

    queue = mail_queue(app)
    tasks = queue.pact_tasks
    with app.app_context():
        events, overdue = work.sweep(now=utcnow())
    if events:
        tasks["dispatch"]()
    if queue.pending_count():
        return  # jobs are still waiting: a long, rate-capped send is not lost, only not done yet
    for batch in overdue:
        tasks["send"](batch)


def drain(app: Flask, *, wait: float = 0.0) -> int:
    """Run queued jobs in this thread until none is left (tests and benchmarks; the worker process
    does this for real). With `wait`, also waits up to that many seconds for scheduled retries."""
    import datetime as dt
    import time

    queue = mail_queue(app)
    deadline = time.monotonic() + wait
    done = 0
    while True:
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        for task in queue.read_schedule(now):
            queue.enqueue(task)
        task = queue.dequeue()
        if task is not None:
            queue.execute(task)
            done += 1
            continue
        if queue.scheduled_count() and time.monotonic() < deadline:
            time.sleep(0.05)
            continue
        return done
