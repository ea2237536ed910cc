"""Subscribing to a beat's e-mail over HTTP, delivered through a real SMTP server (aiosmtpd) by
the real job queue (drained in the test's thread): double opt-in, manage, one-click unsubscribe."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from pact.extensions import db
from pact.models import AuditEntry, Subscription, SubscriptionState
from tests.helpers import csrf_token, deliver
from tests.smtp_server import html_of, text_of

ADDRESS = "resident@example.org"


@pytest.fixture
def app_config(mail_config):
    return mail_config



def subscribe(client, beat, email=ADDRESS, **topics):
    token = csrf_token(client, f"/beats/{beat.slug}")
    return client.post(f"/beats/{beat.slug}/subscribe", data={"email": email, "csrf_token": token, **topics})


def link(message, pattern: str) -> str:
    found = re.search(r"https://pact\.example\.police\.uk(" + pattern + r"[^\s/]+)(?=\s|$)", text_of(message))
    assert found, text_of(message)
    return found.group(1)


def count_subscriptions(observer) -> int:
    return db.session.scalar(select(func.count(Subscription.id)))


def test_double_opt_in_sends_only_the_confirmation_until_the_link_is_followed(app, client, beat, smtp, observer):
    response = subscribe(client, beat, reminders="y")
    assert response.status_code == 200 and "Check your e-mail" in response.get_data(as_text=True)
    deliver(app)
    [confirmation] = smtp.inbox.to(ADDRESS)
    assert confirmation["Subject"] == "Confirm your e-mails about Riverside"
    assert confirmation.get_body(preferencelist=("html",)) is not None and "Confirm my e-mails" in html_of(confirmation)
    assert "List-Unsubscribe" not in confirmation  # nothing to leave yet
    # Not confirmed yet: a meeting going live sends nothing to this address.
    from pact import notifications

    beat_id = beat.id
    with app.app_context():
        from pact.meetings.directory import schedule_meeting
        from pact.models import Beat, utcnow

        meeting = schedule_meeting(db.session.get(Beat, beat_id), "December PACT", utcnow())
        notifications.meeting_live(meeting, utcnow())
        db.session.commit()
    deliver(app)
    assert len(smtp.inbox.to(ADDRESS)) == 1

    confirm_path = link(confirmation, "/subscriptions/confirm/")
    page = client.get(confirm_path)
    assert page.status_code == 200 and "Confirm my e-mails" in page.get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    done = client.post(confirm_path, data={"csrf_token": token})
    assert done.status_code == 200 and "subscribed" in done.get_data(as_text=True)
    db.session.expire_all()
    sub = db.session.scalar(select(Subscription))
    assert sub.state is SubscriptionState.ACTIVE and sub.reminders and not sub.summaries and not sub.progress
    # The link works once.
    again = client.get(confirm_path)
    assert again.status_code == 400 and "already been used" in again.get_data(as_text=True)


def test_the_answer_is_the_same_whether_or_not_already_subscribed(app, client, beat, smtp, observer):
    first = subscribe(client, beat)
    deliver(app)
    confirm_path = link(smtp.inbox.messages[0], "/subscriptions/confirm/")
    page = client.get(confirm_path).get_data(as_text=True)
    client.post(confirm_path, data={"csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)})
    second = subscribe(client, beat)
    assert first.status_code == second.status_code == 200
    strip = lambda r: re.sub(r'value="[^"]+"', "", r.get_data(as_text=True))  # noqa: E731 (CSRF tokens differ)
    assert strip(first) == strip(second)
    deliver(app)
    [_, already] = smtp.inbox.to(ADDRESS)
    assert "already" in already["Subject"] and "/subscriptions/" in text_of(already)
    assert count_subscriptions(observer) == 1


def test_no_topic_ticked_means_all(app, client, beat, observer):
    subscribe(client, beat)
    sub = db.session.scalar(select(Subscription))
    assert (sub.reminders, sub.summaries, sub.progress) == (True, True, True)


@pytest.mark.parametrize("email, code", [("", "Enter your e-mail"), ("not-an-address", "does not look like")])
def test_a_bad_address_is_refused_clearly_and_nothing_is_kept(app, client, beat, email, code, observer):
    response = subscribe(client, beat, email=email)
    assert response.status_code == 400 and code in response.get_data(as_text=True)
    assert count_subscriptions(observer) == 0


def test_subscribing_is_rate_limited_per_address(app, client, beat, smtp, observer):
    statuses = [subscribe(client, beat).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_expired_confirmation_link(app, client, beat, smtp, observer):
    from datetime import timedelta

    subscribe(client, beat)
    deliver(app)
    sub = db.session.scalar(select(Subscription))
    sub.confirm_expires_at = sub.confirm_expires_at - timedelta(hours=49)
    db.session.commit()
    response = client.get(link(smtp.inbox.messages[0], "/subscriptions/confirm/"))
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)


def confirmed(app, client, beat, smtp, email=ADDRESS):
    subscribe(client, beat, email=email)
    deliver(app)
    message = smtp.inbox.to(email)[-1]
    confirm_path = link(message, "/subscriptions/confirm/")
    page = client.get(confirm_path).get_data(as_text=True)
    client.post(confirm_path, data={"csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)})


def test_one_click_unsubscribe_then_nothing_more_arrives(app, client, beat, smtp, observer):
    from pact import notifications
    from pact.meetings.directory import schedule_meeting
    from pact.models import Beat, Meeting, utcnow

    confirmed(app, client, beat, smtp)
    beat_id = beat.id
    with app.app_context():
        meeting = schedule_meeting(db.session.get(Beat, beat_id), "December PACT", utcnow())
        notifications.meeting_live(meeting, utcnow())
        db.session.commit()
        meeting_id = meeting.id
    deliver(app)
    live = smtp.inbox.to(ADDRESS)[-1]
    assert live["Subject"] == "Live now: December PACT"
    assert live["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = re.fullmatch(r"<(https://pact\.example\.police\.uk(/\S+))>", live["List-Unsubscribe"])
    assert unsubscribe_url
    assert f"https://pact.example.police.uk/meetings/{meeting_id}" in text_of(live)
    # A mail provider's one-click POST: no cookie, no CSRF token.
    provider = app.test_client()
    response = provider.post(unsubscribe_url.group(2), data="List-Unsubscribe=One-Click",
                             content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert count_subscriptions(observer) == 0  # erased at once
    # Again (a provider retrying) gives the same answer.
    assert provider.post(unsubscribe_url.group(2), data={"List-Unsubscribe": "One-Click"}).status_code == 200
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        notifications.meeting_closed(meeting, utcnow())
        db.session.commit()
    deliver(app)
    assert smtp.inbox.to(ADDRESS)[-1] is live


def test_manage_page_changes_topics_and_addresses_never_reach_pages_or_audit(app, client, beat, smtp, observer):
    confirmed(app, client, beat, smtp)
    path = link(smtp.inbox.to(ADDRESS)[0], "/subscriptions/")  # every e-mail links its manage page
    page = client.get(path)
    assert page.status_code == 200 and ADDRESS not in page.get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    none = client.post(path, data={"csrf_token": token})
    assert none.status_code == 400 and "at least one" in none.get_data(as_text=True)
    saved = client.post(path, data={"csrf_token": token, "summaries": "y"})
    assert saved.status_code == 302
    db.session.expire_all()
    sub = db.session.scalar(select(Subscription))
    assert (sub.reminders, sub.summaries, sub.progress) == (False, True, False)
    for path in (f"/beats/{beat.slug}", "/"):
        assert ADDRESS not in client.get(path).get_data(as_text=True)
    assert not [e for e in db.session.scalars(select(AuditEntry)) if ADDRESS in f"{e.target} {e.reason}"]


def test_privacy_notice_is_the_configured_text_and_linked_from_the_form(app, client, beat):
    app.config["PRIVACY_NOTICE"] = "Riverside force notice.\n\nSecond paragraph."
    page = client.get("/privacy").get_data(as_text=True)
    assert "<p>Riverside force notice.</p>" in page and "<p>Second paragraph.</p>" in page
    assert 'href="/privacy"' in client.get(f"/beats/{beat.slug}").get_data(as_text=True)
