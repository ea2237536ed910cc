"""Meetings from the web through the Flask test client: the workspace, every form, its errors and 403s,
and what follows a change (room, beat page, calendar, Atom, audit)."""
import io
import json
import re
from datetime import UTC, datetime, timedelta

import feedparser
import icalendar
import pytest
from sqlalchemy import select

from pact import localtime
from pact.extensions import db
from pact.models import AuditEntry, Meeting, Stage, utcnow
from tests.helpers import csrf_token, sign_in

SUMMER = "2030-07-02T19:00"  # a Tuesday in BST: 18:00 UTC
SUMMER_END = "2030-07-02T20:30"


def form(**changes) -> dict:
    return {"beat": "riverside", "title": "Riverside PACT, July", "starts_at": SUMMER, "ends_at": SUMMER_END,
            "description": "Parking near the school and the park at night.", "venue": "St Mary's Hall, Oak Road",
            "stream_url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "votes_per_resident": "3",
            "moderation": "open"} | changes


def post(client, path, data, *, token_from="/officer/meetings/new?beat=riverside"):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, token_from)})


def schedule(client, **changes) -> Meeting:
    response = post(client, "/officer/meetings", form(**changes))
    assert response.status_code == 302, response.get_data(as_text=True)
    meeting_id = int(re.fullmatch(r"/meetings/(\d+)", response.headers["Location"]).group(1))
    db.session.expire_all()
    return db.session.get(Meeting, meeting_id)


@pytest.fixture
def other_beat_client(app, make_beat, make_user):
    """Signed in as an officer of another beat (Hillside)."""
    make_user("hill@example.org", "officer", [make_beat("hillside", "Hillside")], name="PC Hill")
    http = app.test_client()
    assert sign_in(http, "hill@example.org").status_code == 302
    return http


def test_staff_land_in_their_workspace(staff_client, officer):
    response = staff_client.get("/officer/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Your workspace" in html and "Riverside" in html
    assert 'href="/officer/meetings/new?beat=riverside"' in html and "Schedule a meeting" in html
    assert 'href="/officer/priorities"' in html  # the progress pages stay reachable
    assert staff_client.get("/officer/priorities").status_code == 200


def test_the_workspace_shows_live_upcoming_recent_and_held(staff_client, make_meeting, meeting):
    from pact.meetings import issues
    from pact.meetings.participants import join_resident

    ann, _ = join_resident(meeting, "Ann", now=utcnow())
    issues.post_issue(meeting, ann, "Call me on 07700 900123 about it", None, now=utcnow())
    db.session.commit()
    upcoming = schedule(staff_client, title="Next one")
    page = staff_client.get("/officer/").get_data(as_text=True)
    html = page[page.index('aria-labelledby="beat-'):]  # the beat's section (held posts may be listed above it)
    assert html.index("Live now") < html.index("Riverside PACT") < html.index("Upcoming") < html.index("Next one")
    assert "1 held post waiting for review" in html
    assert "Tuesday 2 July 2030, 7pm" in html and f'/officer/meetings/{upcoming.id}/edit' in html


def test_an_account_without_a_beat_is_told_what_to_do(app, make_user):
    make_user("new@example.org", "officer", [])
    http = app.test_client()
    sign_in(http, "new@example.org")
    html = http.get("/officer/").get_data(as_text=True)
    assert "not on a beat yet" in html and "admin" in html
    response = http.get("/officer/meetings/new")
    assert response.status_code == 403 and "no beat" in response.get_data(as_text=True)


def test_inspectors_and_admins_see_the_beats_they_oversee(app, make_user, make_beat, beat):
    hill = make_beat("hillside", "Hillside")
    make_user("insp@example.org", "inspector", [beat, hill])
    make_user("admin@example.org", "admin")
    for email in ("insp@example.org", "admin@example.org"):
        http = app.test_client()
        sign_in(http, email)
        html = http.get("/officer/").get_data(as_text=True)
        assert "The beats you oversee" in html and "Hillside" in html and "Riverside" in html


def test_signed_out_visitors_are_sent_to_sign_in(client):
    for path in ("/officer/", "/officer/meetings/new"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post("/officer/meetings", data=form()).status_code in (302, 400)


def test_scheduling_from_the_web_creates_the_meeting_and_opens_its_room(staff_client, officer):
    meeting = schedule(staff_client)
    assert meeting.stage is Stage.SCHEDULED and meeting.title == "Riverside PACT, July"
    assert meeting.starts_at == datetime(2030, 7, 2, 18, 0, tzinfo=UTC)  # read in Europe/London (BST)
    assert meeting.ends_at == datetime(2030, 7, 2, 19, 30, tzinfo=UTC)
    room = staff_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Meeting scheduled for Tuesday 2 July 2030, 7pm" in room  # the flash
    assert "Tuesday 2 July 2030, 7pm to 8:30pm" in room and "starts in" in room
    assert "At St Mary&#39;s Hall, Oak Road" in room and f"/meetings/{meeting.id}/calendar.ics" in room
    assert 'data-embed-url="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"' in room
    assert "<iframe" not in room  # nothing from the provider until the resident asks
    assert f'value="http://127.0.0.1:5000/meetings/{meeting.id}"' in room  # the address to copy
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "schedule_meeting"))
    assert entry.actor_user_id == officer.id
    assert json.loads(entry.reason)["after"]["venue"] == "St Mary's Hall, Oak Road"


@pytest.mark.parametrize("changes, status, message, field", [
    ({"ends_at": "2030-07-02T18:00"}, 400, "must end after it starts", "ends_at"),
    ({"starts_at": "2020-01-07T19:00", "ends_at": ""}, 400, "already passed", "starts_at"),
    ({"starts_at": "next tuesday"}, 400, "2026-12-01T19:00", "starts_at"),
    ({"starts_at": ""}, 400, "Give the start time", "starts_at"),
    ({"title": ""}, 400, "title is empty", "title"),
    ({"votes_per_resident": "12"}, 400, "between 1 and 10", "votes_per_resident"),
    ({"votes_per_resident": "three"}, 400, "whole number", "votes_per_resident"),
    ({"moderation": "lax"}, 400, "open", "moderation"),
    ({"stream_url": "ftp://example.org/x"}, 400, "web address", "stream_url"),
    ({"beat": "nowhere"}, 400, "no beat by that name", "beat"),
])
def test_form_errors_are_clear_keep_what_was_typed_and_save_nothing(staff_client, changes, status, message, field):
    response = post(staff_client, "/officer/meetings", form(**changes))
    html = response.get_data(as_text=True)
    assert response.status_code == status and message in html
    assert "Nothing was saved" in html and f'href="#f-{field}"' in html
    assert 'value="Riverside PACT, July"' in html or field == "title"  # what was typed is kept
    assert db.session.scalar(select(Meeting.id)) is None


def test_another_beats_form_and_meetings_are_forbidden(staff_client, other_beat_client):
    assert other_beat_client.get("/officer/meetings/new?beat=riverside").status_code == 403
    assert staff_client.get("/officer/meetings/new?beat=nowhere").status_code == 404
    response = post(other_beat_client, "/officer/meetings", form(), token_from="/officer/")
    assert response.status_code == 403 and db.session.scalar(select(Meeting.id)) is None
    meeting = schedule(staff_client)
    assert other_beat_client.get(f"/officer/meetings/{meeting.id}/edit").status_code == 403
    assert post(other_beat_client, f"/officer/meetings/{meeting.id}/edit", form(title="Hijacked"),
                token_from="/officer/").status_code == 403
    assert post(other_beat_client, f"/officer/meetings/{meeting.id}/cancel", {"reason": "no"},
                token_from="/officer/").status_code == 403
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).title == "Riverside PACT, July"
    assert db.session.get(Meeting, meeting.id).stage is Stage.SCHEDULED


def test_forms_without_a_csrf_token_are_refused(staff_client):
    response = staff_client.post("/officer/meetings", data=form())
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)
    assert db.session.scalar(select(Meeting.id)) is None


def test_editing_shows_local_times_and_rescheduling_updates_the_calendar_and_feed(staff_client, client, beat):
    meeting = schedule(staff_client)
    page = staff_client.get(f"/officer/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert f'value="{SUMMER}"' in page and 'value="Riverside PACT, July"' in page and "Cancel this meeting" in page
    response = post(staff_client, f"/officer/meetings/{meeting.id}/edit",
                    form(starts_at="2030-07-09T18:30", ends_at="2030-07-09T20:00"))
    assert response.status_code == 302 and response.headers["Location"] == f"/meetings/{meeting.id}"
    room = staff_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Meeting rescheduled: now Tuesday 9 July 2030, 6:30pm to 8pm" in room
    event = icalendar.Calendar.from_ical(client.get(f"/beats/{beat.slug}/calendar.ics").data).walk("VEVENT")[0]
    assert str(event["uid"]) == f"meeting-{meeting.id}@127.0.0.1" and int(event["sequence"]) == 1
    assert event.decoded("dtstart") == datetime(2030, 7, 9, 17, 30, tzinfo=UTC)
    assert str(event["location"]) == "St Mary's Hall, Oak Road" and str(event["status"]) == "CONFIRMED"
    feed = feedparser.parse(client.get(f"/beats/{beat.slug}/feed.atom").data)
    titles = [e.title for e in feed.entries]
    assert "Meeting rescheduled: Riverside PACT, July" in titles
    rescheduled = feed.entries[titles.index("Meeting rescheduled: Riverside PACT, July")]
    assert "Tuesday 9 July 2030, 6:30pm" in rescheduled.summary
    actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["schedule_meeting", "reschedule_meeting"]


def test_a_live_meeting_cannot_be_rescheduled_but_its_stream_can_be_added(staff_client, meeting):
    response = post(staff_client, f"/officer/meetings/{meeting.id}/edit", form(title="Riverside PACT"))
    assert response.status_code == 409 and "can no longer be changed" in response.get_data(as_text=True)
    values = {"title": "Riverside PACT", "starts_at": localtime.input_value(meeting.starts_at), "ends_at": "",
              "votes_per_resident": "3", "moderation": "open", "stream_url": "https://vimeo.com/76979871"}
    response = post(staff_client, f"/officer/meetings/{meeting.id}/edit", values)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).stream_url == "https://vimeo.com/76979871"


def test_cancelling_needs_a_reason_then_residents_see_it_everywhere(staff_client, client, beat):
    meeting = schedule(staff_client)
    response = post(staff_client, f"/officer/meetings/{meeting.id}/cancel", {"reason": " "})
    assert response.status_code == 400 and "Say why" in response.get_data(as_text=True)
    reason = {"reason": "The hall is flooded; new date soon."}
    response = post(staff_client, f"/officer/meetings/{meeting.id}/cancel", reason)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).stage is Stage.CANCELLED
    room = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "This meeting is cancelled." in room and "The hall is flooded; new date soon." in room
    assert "data-embed-url" not in room
    assert "Officer controls" not in staff_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    beat_page = client.get(f"/beats/{beat.slug}").get_data(as_text=True)
    assert "Cancelled: The hall is flooded; new date soon." in beat_page
    event = icalendar.Calendar.from_ical(client.get(f"/beats/{beat.slug}/calendar.ics").data).walk("VEVENT")[0]
    assert str(event["status"]) == "CANCELLED" and int(event["sequence"]) == 1
    assert "Meeting cancelled: Riverside PACT, July" in [e.title for e in feedparser.parse(
        client.get(f"/beats/{beat.slug}/feed.atom").data).entries]
    again = post(staff_client, f"/officer/meetings/{meeting.id}/cancel", {"reason": "again"})
    assert again.status_code == 409
    assert post(staff_client, f"/officer/meetings/{meeting.id}/edit", form()).status_code == 409
    assert client.get(f"/meetings/{meeting.id}/poster").status_code == 404


def test_a_live_meeting_cannot_be_cancelled(staff_client, meeting):
    response = post(staff_client, f"/officer/meetings/{meeting.id}/cancel", {"reason": "Too late"})
    assert response.status_code == 409 and "Only a scheduled meeting" in response.get_data(as_text=True)


def test_qr_poster_and_events_json(staff_client, client, beat):
    import segno

    meeting = schedule(staff_client, dial_in="0330 123 4567, PIN 1234")
    response = client.get(f"/meetings/{meeting.id}/qr.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    address = f"http://127.0.0.1:5000/meetings/{meeting.id}"
    assert response.data.startswith(b"<?xml") and b"<svg" in response.data
    # segno's QR of the room's address, module for module (so a phone scanning it opens the room).
    dark = re.findall(rb' d="([^"]+)"', response.data)[-1]  # the first path is the white background
    expected = io.BytesIO()
    segno.make(address, error="m").save(expected, kind="svg", scale=10, border=4)
    assert dark == re.search(rb' d="([^"]+)"', expected.getvalue()).group(1)
    poster = client.get(f"/meetings/{meeting.id}/poster").get_data(as_text=True)
    for text in ("Riverside PACT, July", "Tuesday 2 July 2030, 7pm to 8:30pm", "St Mary&#39;s Hall, Oak Road", address,
                 f'src="/meetings/{meeting.id}/qr.svg"', "0330 123 4567, PIN 1234"):
        assert text in poster
    events = client.get(f"/beats/{beat.slug}/events.json")
    assert events.status_code == 200 and events.mimetype == "application/json"
    (event,) = json.loads(events.data)
    assert set(event) == {"title", "description", "address", "type", "start_date", "end_date", "contact_details"}
    assert event["type"] == "meeting" and event["start_date"] == "2030-07-02T19:00:00"  # local, no zone
    assert event["end_date"] == "2030-07-02T20:30:00" and event["address"] == "St Mary&#x27;s Hall, Oak Road"
    assert event["contact_details"] == {"web": address, "telephone": "0330 123 4567, PIN 1234"}
    assert client.get("/beats/nowhere/events.json").status_code == 404
    assert client.get("/meetings/99999/qr.svg").status_code == 404


def test_csp_frames_only_the_configured_stream_providers(client):
    csp = client.get("/").headers["Content-Security-Policy"]
    frames = re.search(r"frame-src ([^;]+)", csp).group(1).split()
    assert frames == ["https://player.vimeo.com", "https://vimeo.com", "https://www.facebook.com",
                      "https://www.youtube-nocookie.com"]


@pytest.fixture
def youtube_only(app_config):
    return app_config | {"STREAM_PROVIDERS": ["youtube"]}


def test_csp_follows_pact_stream_providers(youtube_only):
    from tests.helpers import fresh_app

    with fresh_app(youtube_only, empty=False) as app:
        csp = app.test_client().get("/").headers["Content-Security-Policy"]
    assert re.search(r"frame-src ([^;]+)", csp).group(1) == "https://www.youtube-nocookie.com"


def test_a_zoom_link_is_a_plain_watch_link(staff_client):
    meeting = schedule(staff_client, stream_url="https://us02web.zoom.us/j/85012345678")
    room = staff_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "data-embed-url" not in room and 'href="https://us02web.zoom.us/j/85012345678"' in room
    assert "Watch on Zoom" in room


def test_the_summary_has_a_print_button_and_uk_dates(client, make_meeting):
    from pact.meetings import stages

    meeting = make_meeting(stage=Stage.LIVE)
    stages.change_stage(meeting, Stage.CLOSED, now=utcnow())
    db.session.commit()
    html = client.get(f"/meetings/{meeting.id}/summary").get_data(as_text=True)
    assert "Print this summary" in html and "UTC" not in html
    assert localtime.day(meeting.starts_at) in html


def test_the_meeting_calendar_file_adds_one_event(staff_client, client):
    meeting = schedule(staff_client)
    response = client.get(f"/meetings/{meeting.id}/calendar.ics")
    (event,) = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
    assert response.mimetype == "text/calendar" and str(event["uid"]) == f"meeting-{meeting.id}@127.0.0.1"
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=90)
