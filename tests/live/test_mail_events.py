"""What the room's events e-mail, through a real SMTP server (aiosmtpd) and the real job queue:
the summary at close, "live now", the answer a resident asked for, reminders in their window, and
an SMTP server that refuses and then accepts."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pact.delivery.queue import drain, run_sweep
from pact.extensions import db
from pact.models import AnswerWatch, Beat, DeliveryState, MailDelivery, Stage, Subscription, utcnow
from tests.helpers import call, received
from tests.smtp_server import html_of, text_of


@pytest.fixture
def app_config(mail_config):
    return mail_config


def deliver(app, wait: float = 0.0) -> None:
    run_sweep(app)
    drain(app, wait=wait)


@pytest.fixture
def subscriber(app, beat):
    """Make a confirmed subscriber of the beat through the domain (the HTTP flow has its own tests)."""
    from pact.notifications import subscriptions

    beat_id = beat.id  # read here: inside the app's context the observer's object would refresh on its engine

    def make(email, **topics):
        with app.app_context():
            sub = subscriptions.request_subscription(db.session.get(Beat, beat_id), email,
                                                     [t for t, on in topics.items() if on], now=utcnow())
            subscriptions.confirm_subscription(subscriptions.confirm_link(db.session.get(Subscription, sub.ref_id)),
                                               now=utcnow())
            db.session.commit()
        return email

    return make


def test_the_summary_goes_out_at_close_to_summary_subscribers_only(app, resident, officer_sock, meeting, smtp,
                                                                     subscriber):
    wants = subscriber("wants@example.org", summaries=True)
    subscriber("reminders.only@example.org", reminders=True)
    deliver(app)
    smtp.inbox.messages.clear()  # confirmations were sent at subscribe time; not counted here
    alice, _ = resident("Alice")
    issue = call(alice, "post_issue", {"text": "Speeding on Mill Lane"})["issue"]["id"]
    ack = call(officer_sock, "close", {"priorities": [
        {"issue_id": issue, "action": "Speed checks twice a week", "owner": "PC Jones", "review_on": "2099-01-31"}]})
    assert ack["ok"]
    drain(app)  # the close queued the job itself (after commit), no sweep needed
    [summary] = smtp.inbox.messages
    assert wants in summary["X-Envelope-To"] and summary["Subject"] == "What was agreed: Riverside PACT"
    text = text_of(summary)
    for words in ("Speeding on Mill Lane", "Speed checks twice a week", "PC Jones", "Saturday 31 January 2099",
                  f"https://pact.example.police.uk/meetings/{meeting.id}/summary"):
        assert words in text and words in html_of(summary)
    assert summary["List-Unsubscribe"].startswith("<https://pact.example.police.uk/subscriptions/")
    # Closing is once; the event is keyed, so a sweep sends nothing more.
    deliver(app)
    assert len(smtp.inbox.messages) == 1


def test_live_now_when_a_scheduled_meeting_opens(app, connect, staff_client, make_meeting, smtp, subscriber):
    subscriber("resident@example.org", reminders=True)
    scheduled = make_meeting(stage=Stage.SCHEDULED, title="January PACT")
    sock = connect(staff_client)
    assert call(sock, "join", {"meeting_id": scheduled.id})["ok"]
    deliver(app)
    smtp.inbox.messages.clear()
    assert call(sock, "set_stage", {"stage": "live"})["ok"]
    drain(app)
    [live] = smtp.inbox.messages
    assert live["Subject"] == "Live now: January PACT"
    assert f"https://pact.example.police.uk/meetings/{scheduled.id}" in text_of(live)


def test_the_author_is_told_once_when_their_issue_is_answered(app, resident, officer_sock, smtp, observer):
    alice, _ = resident("Alice")
    bob, _ = resident("Bob")
    issue = call(alice, "post_issue", {"text": "Broken street light on Elm Road"})["issue"]["id"]
    received(bob)
    refused = call(bob, "notify_when_answered", {"issue_id": issue, "email": "bob@example.org"})
    assert refused["ok"] is False and refused["error"] == "forbidden"
    bad = call(alice, "notify_when_answered", {"issue_id": issue, "email": "not an address"})
    assert bad["ok"] is False and bad["error"] == "invalid_email"
    assert call(alice, "notify_when_answered", {"issue_id": issue, "email": "alice@example.org"}) == \
        {"ok": True, "issue_id": issue}
    assert received(bob) == []  # nobody else hears of it
    assert call(officer_sock, "answer", {"issue_id": issue, "text": "Reported to the council today."})["ok"]
    drain(app)
    [answered] = smtp.inbox.messages
    assert "alice@example.org" in answered["X-Envelope-To"] and "List-Unsubscribe" not in answered
    assert "Reported to the council today." in text_of(answered)
    assert db.session.scalar(select(func.count(AnswerWatch.id))) == 0  # erased once sent
    assert call(officer_sock, "answer", {"issue_id": issue, "text": "And fixed."})["ok"]
    deliver(app)
    assert len(smtp.inbox.messages) == 1


def test_a_reminder_arrives_in_its_window_with_a_calendar_file(app, make_meeting, smtp, subscriber, observer):
    from pact.meetings.directory import schedule_meeting

    subscriber("resident@example.org", reminders=True)
    deliver(app)
    smtp.inbox.messages.clear()
    with app.app_context():
        beat = db.session.scalar(select(Beat))
        tomorrow = schedule_meeting(beat, "Tomorrow's PACT", utcnow() + timedelta(hours=23, minutes=30))
        soon = schedule_meeting(beat, "Soon PACT", utcnow() + timedelta(minutes=30))
        schedule_meeting(beat, "Far PACT", utcnow() + timedelta(hours=30))
        db.session.commit()
        ids = {tomorrow.id: "tomorrow", soon.id: "in 1 hour"}
    deliver(app)
    reminders = sorted(smtp.inbox.messages, key=lambda m: m["Subject"])
    assert [m["Subject"].split(",")[0] for m in reminders] == ["Reminder: Soon PACT", "Reminder: Tomorrow's PACT"]
    for message in reminders:
        [ics] = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
        body = ics.get_content()
        meeting_id = next(i for i in ids if f"meeting-{i}@pact.example.police.uk" in body)
        assert f"starts {ids[meeting_id]}" in text_of(message)
        assert f"https://pact.example.police.uk/meetings/{meeting_id}" in text_of(message)
    deliver(app)  # the next sweep: the same windows, nothing again
    assert len(smtp.inbox.messages) == 2


def test_an_smtp_server_that_refuses_then_accepts_gets_each_message_once(app, resident, officer_sock, smtp,
                                                                         subscriber, observer):
    subscriber("one@example.org", summaries=True)
    subscriber("two@example.org", summaries=True)
    deliver(app)
    smtp.inbox.messages.clear()
    smtp.inbox.refuse = 2  # "451 try again later", twice
    alice, _ = resident("Alice")
    issue = call(alice, "post_issue", {"text": "Parking on the pavement"})["issue"]["id"]
    assert call(officer_sock, "close", {"priorities": [{"issue_id": issue, "action": "Leaflets"}]})["ok"]
    drain(app, wait=10)  # retries are scheduled jobs: MAIL_RETRY_DELAY 0.2 s, then 0.4 s
    assert smtp.inbox.refused == 2
    assert sorted(m["X-Envelope-To"] for m in smtp.inbox.messages) == ["one@example.org", "two@example.org"]
    db.session.expire_all()
    summary_rows = db.session.scalars(select(MailDelivery).where(MailDelivery.state == DeliveryState.SENT)).all()
    assert max(d.attempts for d in summary_rows) == 2 and all(d.last_error for d in summary_rows if d.attempts)


def test_subscribers_hear_when_a_meeting_moves_or_is_cancelled(app, make_meeting, officer, smtp, subscriber,
                                                              observer):
    from pact.models import Meeting, User
    from pact.scheduling import operations

    subscriber("resident@example.org", summaries=True)  # reschedule and cancel notices go to every subscriber
    deliver(app)
    smtp.inbox.messages.clear()
    first, second = make_meeting(stage=Stage.SCHEDULED, title="March PACT"), make_meeting(stage=Stage.SCHEDULED,
                                                                                          title="April PACT")
    first_id, second_id, officer_id = first.id, second.id, officer.id
    with app.app_context():
        meeting, user = db.session.get(Meeting, first_id), db.session.get(User, officer_id)
        new_start = utcnow() + timedelta(days=10)
        operations.update_meeting(meeting, operations.MeetingDetails(title=meeting.title, starts_at=new_start),
                                  user=user, now=utcnow())
        operations.cancel_meeting(db.session.get(Meeting, second_id), "The hall is flooded.", user=user,
                                  now=utcnow())
        db.session.commit()
    deliver(app)
    by_subject = {m["Subject"].split(":")[0]: m for m in smtp.inbox.messages}
    assert set(by_subject) == {"New time", "Cancelled"}
    assert "The hall is flooded." in text_of(by_subject["Cancelled"])
    assert "It was going to be on" in text_of(by_subject["New time"])
