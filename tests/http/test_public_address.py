"""PACT_BASE_URL builds every absolute link, feed id and calendar UID; a forged Host changes nothing.
And the Atom feed survives noncharacters and BiDi controls in residents' text (issue #11, low items)."""
from datetime import timedelta

import feedparser
import icalendar
import pytest
from sqlalchemy import update

from pact import create_app
from pact.extensions import db
from pact.meetings import issues, priorities
from pact.meetings.directory import schedule_meeting
from pact.meetings.participants import join_resident
from pact.models import Priority, utcnow
from pact.services import services
from pact.urls import absolute_url, uid_domain, websocket_origin

BASE = "https://pact.example.police.uk"
FORGED = [{"Host": "evil.example"}, {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"},
          {"Host": "evil.example", "X-Forwarded-Host": "evil2.example"}]


@pytest.fixture
def app_config(app_config):
    return {**app_config, "BASE_URL": BASE + "/", "PROXY_FIX": 1}  # a trusted proxy: X-Forwarded-Host is believed


@pytest.fixture
def upcoming(beat):
    meeting = schedule_meeting(beat, "January PACT", utcnow() + timedelta(days=3))
    db.session.commit()
    return meeting


@pytest.fixture
def closed(meeting, officer):
    """A closed meeting whose agreed priority was typed with noncharacters and a right-to-left override."""
    alice, _ = join_resident(meeting, "Ali\u202ece", now=utcnow())
    issue = issues.post_issue(meeting, alice, "Speeding\ufffe on Mill\uffff Lane \u202egnp.exe\u202c", None,
                              now=utcnow()).issue
    priorities.close_meeting(meeting, [{"issue_id": issue.id, "action": "Checks\ufffe weekly\u2066!\u2069"}],
                             user=officer, now=utcnow())
    db.session.commit()
    return meeting


def ids_of(client, beat, headers):
    calendar = icalendar.Calendar.from_ical(client.get(f"/beats/{beat.slug}/calendar.ics", headers=headers).data)
    feed = feedparser.parse(client.get(f"/beats/{beat.slug}/feed.atom", headers=headers).data)
    return ([(str(e["uid"]), str(e["url"])) for e in calendar.walk("VEVENT")],
            (feed.feed.id, feed.feed.link, [(e.id, e.link) for e in feed.entries]))


def test_a_forged_host_changes_no_feed_id_uid_or_link(client, beat, upcoming, closed):
    honest = ids_of(client, beat, {})
    events, (feed_id, feed_link, entries) = honest
    assert events == [(f"meeting-{upcoming.id}@pact.example.police.uk", f"{BASE}/meetings/{upcoming.id}")]
    assert feed_id == feed_link == f"{BASE}/beats/{beat.slug}"
    assert entries and all(i.startswith(BASE + "/") and link.startswith(BASE + "/") for i, link in entries)
    for headers in FORGED:
        forged = ids_of(client, beat, headers)
        assert forged == honest, headers
        assert "evil" not in str(forged)


def test_absolute_urls_need_no_request_and_keep_a_path(app):
    with app.app_context():
        assert absolute_url("public.room", meeting_id=7) == f"{BASE}/meetings/7"
        anchored = absolute_url("public.beat", slug="riverside", _anchor="priority-3")
        assert anchored == f"{BASE}/beats/riverside#priority-3"
        assert uid_domain() == "pact.example.police.uk" and websocket_origin() == "wss://pact.example.police.uk"
    under = create_app({"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "x",
                        "BASE_URL": "http://10.0.0.5:8080/pact"})
    try:
        with under.app_context():
            assert absolute_url("public.room", meeting_id=7) == "http://10.0.0.5:8080/pact/meetings/7"
            assert websocket_origin() == "ws://10.0.0.5:8080"
    finally:
        services(under).ticker.stop()


def test_the_development_default_is_the_local_port(app, monkeypatch):
    monkeypatch.setenv("PORT", "5123")
    dev = create_app({"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "x"})
    try:
        assert dev.config["BASE_URL"] == "http://127.0.0.1:5123"
    finally:
        services(dev).ticker.stop()


@pytest.mark.parametrize("bad", ["pact.example.police.uk", "ftp://pact.example", "https://", "https://x.example/?a=1"])
def test_a_base_url_that_is_no_address_stops_the_start(app, bad):
    with pytest.raises(RuntimeError, match="PACT_BASE_URL"):
        create_app({"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "x", "BASE_URL": bad})


def test_the_feed_parses_with_noncharacters_and_bidi_controls_typed(client, beat, closed):
    body = client.get(f"/beats/{beat.slug}/feed.atom").data
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    text = body.decode("utf-8")
    assert "Speeding on Mill Lane" in text and "Checks weekly!" in text
    for hazard in ("\ufffe", "\uffff", "\u202e", "\u202c", "\u2066", "\u2069"):
        assert hazard not in text


def test_the_feed_parses_even_with_a_noncharacter_saved_before_the_fix(client, beat, closed):
    db.session.execute(update(Priority).values(text="Old row \ufffe\uffff with \x0b noncharacters"))
    db.session.commit()
    body = client.get(f"/beats/{beat.slug}/feed.atom").data
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert "Old row  with  noncharacters" in body.decode("utf-8")
