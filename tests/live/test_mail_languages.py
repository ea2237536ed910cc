"""E-mails in the language the resident asked in: subscribing from a page read in Welsh
(`?lang=cy`, remembered in the `pact_lang` cookie) brings the confirmation and every later e-mail
in Welsh, dates included, through a real SMTP server (aiosmtpd) and the real job queue; a neighbour
who subscribed in English gets the same reminder in English."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from babel.dates import format_date
from sqlalchemy import select

from pact import localtime
from pact.delivery.queue import drain, run_sweep
from pact.extensions import db
from pact.models import Beat, Subscription, utcnow
from tests.helpers import csrf_token, deliver
from tests.smtp_server import html_of, text_of


@pytest.fixture
def app_config(mail_config):
    return mail_config



def subscribe_and_confirm(client, smtp, beat, email: str) -> None:
    token = csrf_token(client, f"/beats/{beat.slug}")
    assert client.post(f"/beats/{beat.slug}/subscribe", data={"email": email, "csrf_token": token}).status_code == 200
    run_sweep(client.application)
    drain(client.application)
    [confirmation] = smtp.inbox.to(email)
    path = re.search(r"https://pact\.example\.police\.uk(/subscriptions/confirm/[^\s/]+)", text_of(confirmation))
    page = client.get(path.group(1))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    assert client.post(path.group(1), data={"csrf_token": token}).status_code == 200


def test_a_welsh_subscriber_gets_welsh_e_mails_with_welsh_dates(app, beat, smtp, observer):
    welsh, english = app.test_client(), app.test_client()
    assert welsh.get(f"/beats/{beat.slug}?lang=cy").status_code == 200  # the page, read in Welsh
    subscribe_and_confirm(welsh, smtp, beat, "cymraeg@example.org")
    subscribe_and_confirm(english, smtp, beat, "english@example.org")

    [confirmation] = smtp.inbox.to("cymraeg@example.org")
    assert confirmation["Subject"] == "Cadarnhewch eich e-byst am Riverside"
    assert "Cadarnhewch yma (mae'r ddolen yn gweithio unwaith, am 48 awr):" in text_of(confirmation)
    assert '<html lang="cy">' in html_of(confirmation) and "Cadarnhau fy e-byst" in html_of(confirmation)
    assert smtp.inbox.to("english@example.org")[0]["Subject"] == "Confirm your e-mails about Riverside"
    db.session.expire_all()
    assert {s.email: s.language for s in db.session.scalars(select(Subscription))} == {
        "cymraeg@example.org": "cy", "english@example.org": "en"}

    smtp.inbox.messages.clear()
    with app.app_context():
        from pact.meetings.directory import schedule_meeting

        starts = utcnow() + timedelta(hours=23, minutes=30)
        schedule_meeting(db.session.scalar(select(Beat)), "PACT Rhagfyr", starts)
        db.session.commit()
    deliver(app)
    [cy] = smtp.inbox.to("cymraeg@example.org")
    [en] = smtp.inbox.to("english@example.org")
    local = localtime.local(starts)
    welsh_day = format_date(local.date(), "EEEE d MMMM y", locale="cy")  # e.g. "Dydd Mercher 2 Rhagfyr 2026"
    assert welsh_day.startswith("Dydd ")
    assert cy["Subject"] == f"Nodyn atgoffa: PACT Rhagfyr, {welsh_day}, {local:%H:%M}"
    text = text_of(cy)
    assert "Mae cyfarfod PACT Riverside yn dechrau yfory." in text
    assert f"Pryd: {welsh_day}, {local:%H:%M}" in text
    assert "Ymunwch ar-lein o unrhyw borwr: https://pact.example.police.uk/meetings/" in text
    assert "Newid yr hyn a gewch neu ddad-danysgrifio: https://pact.example.police.uk/subscriptions/" in text
    assert "Mewn argyfwng ffoniwch 999." in text and "In an emergency" not in text
    html = html_of(cy)
    assert '<html lang="cy">' in html and f"Pryd: {welsh_day}" in html
    assert re.fullmatch(r"<https://pact\.example\.police\.uk/subscriptions/[^/]+/unsubscribe>", cy["List-Unsubscribe"])
    assert [p.get_content_type() for p in cy.iter_attachments()] == ["text/calendar"]

    assert en["Subject"].startswith("Reminder: PACT Rhagfyr, ") and "starts tomorrow" in text_of(en)
    assert f"When: {localtime.when(starts)}" in text_of(en) and "Dydd" not in text_of(en)


def test_asking_in_welsh_to_be_told_when_answered_brings_the_answer_in_welsh(app, meeting, resident, officer_sock,
                                                                            smtp, observer):
    from tests.helpers import call

    browser = app.test_client()
    browser.get(f"/meetings/{meeting.id}?lang=cy")  # the room, read in Welsh: the socket carries the cookie
    alice, _ = resident("Alys", http_client=browser)
    issue = call(alice, "post_issue", {"text": "Golau stryd wedi torri ar Heol y Llwyfen"})["issue"]["id"]
    assert call(alice, "notify_when_answered", {"issue_id": issue, "email": "alys@example.org"})["ok"]
    assert call(officer_sock, "answer", {"issue_id": issue, "text": "Reported to the council today."})["ok"]
    drain(app)
    [answered] = smtp.inbox.to("alys@example.org")
    assert answered["Subject"].startswith("Mae eich mater wedi cael ateb: ")
    text = text_of(answered)
    assert "Ysgrifennoch chi:" in text and "Golau stryd wedi torri ar Heol y Llwyfen" in text
    assert "Reported to the council today." in text  # the officer's own words, as written
    assert "Dyma'r unig e-bost a gewch amdano: rydym bellach wedi dileu eich cyfeiriad." in text
