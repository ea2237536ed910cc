"""Notifications as plain domain rules: reminder windows, one event per happening, answer requests,
links that work once, the SMTP address forms, and masked addresses."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pact.extensions import db
from pact.meetings.directory import schedule_meeting
from pact.meetings.errors import DomainError
from pact.models import MailEvent, Stage, Subscription, SubscriptionState, utcnow
from pact.notifications import events, subscriptions, tokens


@pytest.mark.parametrize("raw, hours", [("24,1", [24.0, 1.0]), ("1, 0.25,24", [24.0, 1.0, 0.25]), ("2", [2.0])])
def test_reminder_hours_allow_fractions(raw, hours):
    assert events.reminder_hours(raw) == hours


@pytest.mark.parametrize("raw", ["soon", "0", "-1"])
def test_bad_reminder_hours_are_refused(raw):
    with pytest.raises(ValueError):
        events.reminder_hours(raw)


@pytest.mark.parametrize("left, window", [(timedelta(hours=23), "24"), (timedelta(minutes=50), "1"),
                                          (timedelta(minutes=10), "0.25")])
def test_a_meeting_gets_the_reminder_of_the_window_it_is_in_once(beat, left, window):
    now = utcnow()
    meeting = schedule_meeting(beat, "PACT", now + left)
    [event] = events.due_reminders(now, [24, 1, 0.25])
    assert event.meeting_id == meeting.id and event.note == window
    assert events.due_reminders(now + timedelta(seconds=30), [24, 1, 0.25]) == []  # same window: nothing again


def test_no_reminder_too_early_or_for_a_meeting_that_is_not_scheduled(beat):
    now = utcnow()
    schedule_meeting(beat, "Far", now + timedelta(hours=25))
    schedule_meeting(beat, "Live", now + timedelta(minutes=30), stage=Stage.LIVE)
    assert events.due_reminders(now, [24, 1]) == []


def test_a_rescheduled_meeting_is_reminded_again_for_its_new_time(beat):
    now = utcnow()
    meeting = schedule_meeting(beat, "PACT", now + timedelta(minutes=30))
    assert len(events.due_reminders(now, [1])) == 1
    meeting.starts_at = now + timedelta(minutes=45)
    assert len(events.due_reminders(now, [1])) == 1
    assert db.session.scalar(select(func.count(MailEvent.id))) == 2


def test_each_happening_is_one_event(beat):
    meeting = schedule_meeting(beat, "PACT", utcnow())
    assert events.meeting_closed(meeting, utcnow()) is not None
    assert events.meeting_closed(meeting, utcnow()) is None


def test_a_confirmation_link_works_once(beat):
    event = subscriptions.request_subscription(beat, " Resident@Example.org ", ["progress"], now=utcnow())
    sub = db.session.get(Subscription, event.ref_id)
    assert sub.email == "resident@example.org" and (sub.reminders, sub.summaries, sub.progress) == (False, False, True)
    link = subscriptions.confirm_link(sub)
    assert subscriptions.confirm_subscription(link, now=utcnow()).state is SubscriptionState.ACTIVE
    with pytest.raises(DomainError) as used:
        subscriptions.confirm_subscription(link, now=utcnow())
    assert used.value.code == "invalid_link"
    with pytest.raises(DomainError) as forged:
        subscriptions.find_managed(f"{sub.id}.not-the-signature")
    assert forged.value.code == "invalid_link"


def test_a_pending_address_is_erased_after_48_hours(beat):
    subscriptions.request_subscription(beat, "late@example.org", [], now=utcnow())
    assert subscriptions.erase_stale(now=utcnow() + timedelta(hours=47)) == 0
    assert subscriptions.erase_stale(now=utcnow() + timedelta(hours=49)) == 1


@pytest.mark.parametrize("email, masked", [("jane.doe@example.org", "j***@e***.org"), ("x@y", "x***@y***")])
def test_addresses_are_masked_for_logs(email, masked):
    assert tokens.mask(email) == masked


def test_the_three_mail_address_forms():
    from pact.delivery.transport import parse_mail_url

    assert parse_mail_url("smtp://127.0.0.1:2525")["port"] == 2525
    starttls = parse_mail_url("smtp+starttls://pact%40force:p%3Ass@smtp.example.police.uk")
    assert (starttls["port"], starttls["user"], starttls["password"]) == (587, "pact@force", "p:ss")
    assert parse_mail_url("smtps://u:p@smtp.example.police.uk")["port"] == 465
    with pytest.raises(ValueError):
        parse_mail_url("http://smtp.example.police.uk")
