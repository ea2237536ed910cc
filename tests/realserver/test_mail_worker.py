"""The mail worker as it really runs: started by `flask --app wsgi serve` beside the server, sending
through a real SMTP server (aiosmtpd). Killed with -9 in the middle of a batch and started again,
every reminder still due is sent, and nobody gets one twice."""
from __future__ import annotations

import collections
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pact.extensions import db
from pact.models import Beat, DeliveryState, MailDelivery, Subscription, SubscriptionState, utcnow

SUBSCRIBERS = 40


@pytest.fixture
def due_reminder(app, beat):
    """A meeting in its 1-hour reminder window and confirmed subscribers of its beat."""
    from pact.meetings.directory import schedule_meeting
    from pact.notifications import tokens

    beat_id = beat.id
    with app.app_context():
        for n in range(SUBSCRIBERS):
            email = f"resident{n}@example.org"
            db.session.add(Subscription(beat_id=beat_id, email=email, address_hash=tokens.address_hash(email),
                                        state=SubscriptionState.ACTIVE, manage_nonce=tokens.new_nonce(),
                                        confirmed_at=utcnow()))
        meeting = schedule_meeting(db.session.get(Beat, beat_id), "Riverside PACT", utcnow() + timedelta(minutes=40))
        db.session.commit()
        return meeting.id


def mail_env(smtp, tmp_path) -> dict[str, str]:
    return {"PACT_MAIL_URL": smtp.url, "PACT_MAIL_WORKER": "on", "PACT_MAIL_SWEEP_INTERVAL": "0.5",
            "PACT_MAIL_QUEUE_PATH": str(tmp_path / "mail-queue.sqlite3"), "PACT_MAIL_BATCH": "10",
            "PACT_BASE_URL": "https://pact.example.police.uk"}


def states(observer) -> collections.Counter:
    db.session.expire_all()
    return collections.Counter(d.state for d in db.session.scalars(select(MailDelivery)))


def test_killed_mid_batch_and_restarted_every_reminder_goes_once(server_factory, due_reminder, smtp, tmp_path,
                                                                  observer):
    smtp.inbox.delay = 0.05  # slow enough to stop the worker in the middle of its batches
    env = mail_env(smtp, tmp_path)
    first = server_factory(env=env)
    smtp.inbox.wait_for(5, timeout=60)
    first.kill()  # SIGKILL to the server and its mail worker: no chance to tidy up
    killed_at = len(smtp.inbox.messages)
    assert killed_at < SUBSCRIBERS, "the kill came too late to interrupt the send"
    server_factory(env=env)
    deadline, previous = time.monotonic() + 90, None
    while time.monotonic() < deadline:
        counted = states(observer)
        done = counted[DeliveryState.PENDING] == 0 and \
            counted[DeliveryState.SENT] + counted[DeliveryState.SENDING] == SUBSCRIBERS
        if done and counted == previous:  # settled: the last message in flight has been recorded too
            break
        previous = counted
        time.sleep(0.3)
    received = collections.Counter(m["X-Envelope-To"] for m in smtp.inbox.messages)
    assert max(received.values()) == 1, "somebody got the reminder twice"
    counted = states(observer)
    # A message in flight at the kill stays `sending` (later `unknown`), never resent: at most once.
    assert counted[DeliveryState.SENDING] <= 2 and counted[DeliveryState.PENDING] == 0
    assert counted[DeliveryState.SENT] == SUBSCRIBERS - counted[DeliveryState.SENDING]
    assert len(received) >= counted[DeliveryState.SENT]
    assert all(m["Subject"].startswith("Reminder: Riverside PACT") for m in smtp.inbox.messages)


def test_jobs_due_while_the_mail_server_was_down_are_sent_once_after_a_restart(server_factory, due_reminder, smtp,
                                                                              tmp_path, observer):
    from tests.realserver.harness import free_port
    from tests.smtp_server import start_smtp

    down = dict(mail_env(smtp, tmp_path), PACT_MAIL_URL=f"smtp://127.0.0.1:{free_port()}")  # nothing listens
    first = server_factory(env=down)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and states(observer)[DeliveryState.PENDING] < SUBSCRIBERS:
        time.sleep(0.3)
    assert states(observer)[DeliveryState.PENDING] == SUBSCRIBERS  # planned, tried, waiting to retry
    first.kill()
    port = int(down["PACT_MAIL_URL"].rsplit(":", 1)[1])
    controller, inbox = start_smtp(port)  # the mail server is back, at the address configured
    try:
        server_factory(env=dict(down, PACT_MAIL_RETRY_DELAY="0.5"))
        inbox.wait_for(SUBSCRIBERS, timeout=90)
        time.sleep(1.5)  # a few more sweeps: nothing more may arrive
        received = collections.Counter(m["X-Envelope-To"] for m in inbox.messages)
        assert len(received) == SUBSCRIBERS and max(received.values()) == 1
        assert db.session.scalar(select(func.count(MailDelivery.id))) == SUBSCRIBERS
    finally:
        controller.stop()


def test_without_a_mail_url_serve_says_where_mail_goes_and_writes_eml_files(server_factory, beat, tmp_path):
    import re

    import requests

    outbox = tmp_path / "outbox"
    server = server_factory(env={"PACT_MAIL_WORKER": "on", "PACT_MAIL_OUTBOX": str(outbox),
                                 "PACT_MAIL_QUEUE_PATH": str(tmp_path / "q.sqlite3"), "PACT_MAIL_SWEEP_INTERVAL": "0.5"})
    assert f"e-mail is written to {outbox}/" in server.log()
    # The worker started beside the server runs below it, from its first instruction: the niceness
    # is on its command line, so importing the app (most of its CPU) does not compete with a room.
    import psutil

    [worker] = [p for p in psutil.Process(server.proc.pid).children(recursive=True)
                if "pact.delivery.worker" in p.cmdline()]
    assert worker.cmdline()[-2:] == ["--nice", "10"]
    lowered = min(19, psutil.Process(server.proc.pid).nice() + 10)  # 19 is the lowest priority there is
    deadline = time.monotonic() + 10
    while worker.nice() != lowered and time.monotonic() < deadline:  # a moment to start the interpreter
        time.sleep(0.05)
    assert worker.nice() == lowered
    http = requests.Session()
    page = http.get(f"{server.url}/beats/{beat.slug}", timeout=5).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = http.post(f"{server.url}/beats/{beat.slug}/subscribe", data={"email": "new@example.org",
                                                                           "csrf_token": token}, timeout=5)
    assert response.status_code == 200
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not list(outbox.glob("*.eml")):
        time.sleep(0.2)
    [eml] = list(outbox.glob("*.eml"))
    assert b"Confirm your e-mails about Riverside" in eml.read_bytes()
