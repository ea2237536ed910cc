"""Exports and pages that come after a meeting: renderers against known-good files (no HTTP), then
the routes — who may download what, headers, bad input — with every file read back by a real parser."""
import csv
import io
import json
import re
from datetime import timedelta
from pathlib import Path

import feedparser
import icalendar
import pytest
from sqlalchemy import select

from pact import export
from pact.extensions import db
from pact.meetings import issues, priorities, progress
from pact.meetings.directory import schedule_meeting
from pact.meetings.participants import join_resident
from pact.models import AuditEntry, ProgressUpdate, Stage, Visibility, Vote, VoteKind, utcnow
from tests.helpers import csrf_token, sign_in
from tests.http import export_data as data

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
NOW = utcnow()


# --- renderers, no HTTP ------------------------------------------------------------------------

def test_csv_matches_the_known_good_file_and_neutralises_formulas():
    body = export.priorities_csv(data.ROWS)
    assert body.encode("utf-8") == (FIXTURES / "priorities.csv").read_bytes()
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"), newline="")))
    assert [r["Priority"] for r in rows] == ['Speeding on Mill Lane, "every night"',
                                            "'=HYPERLINK(\"http://evil.example\",\"click\")", "'\tTabbed start, café noise"]
    assert rows[1]["Action promised"] == "'-1+1 leaflets @ the school" and rows[1]["Owner"] == "'@pcsokhan"
    assert rows[1]["Latest progress"] == "'+44 calls logged" and rows[2]["Action promised"] == "'\rCR start"
    assert rows[0]["Latest progress"] == "Two checks done;\n14 drivers stopped." and rows[0]["Votes"] == "12"
    for row in rows:
        assert not any(value.startswith(export.FORMULA_STARTS) for value in row.values())


@pytest.mark.parametrize("value,expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("a=1", "a=1"), ("", ""), (5, 5), (-3, -3),
])
def test_safe_cell(value, expected):
    assert export.safe_cell(value) == expected


def test_police_uk_json_matches_the_known_good_file_with_exactly_its_keys():
    body = export.json_text(export.police_uk_priorities(data.ROWS))
    assert body == (FIXTURES / "priorities.police-uk.json").read_text(encoding="utf-8")
    parsed = json.loads(body)
    assert all(set(item) == {"issue", "issue-date", "action", "action-date"} for item in parsed)
    assert parsed[0] == {"issue": "Speeding on Mill Lane, &quot;every night&quot;", "issue-date": "2026-03-04T20:15:30",
                         "action": "Speed checks &lt;twice&gt; a week &amp; report back",
                         "action-date": "2026-03-20T09:05:00"}
    assert parsed[1]["action-date"] is None


def test_calendar_matches_the_known_good_file_and_parses():
    body = export.calendar_ics(data.BEAT, data.MEETINGS, host="localhost", now=data.NOW)
    assert body == (FIXTURES / "calendar.ics").read_bytes()
    calendar = icalendar.Calendar.from_ical(body)
    events = list(calendar.walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == ["April PACT; bring questions, please", "May PACT"]
    assert events[0].decoded("dtstart") == data.MEETINGS[0]["starts_at"]
    assert events[0].decoded("dtend") - events[0].decoded("dtstart") == timedelta(minutes=90)
    assert str(events[0]["uid"]) == "meeting-8@localhost" and str(events[0]["url"]) == "http://localhost/meetings/8"
    assert str(calendar["version"]) == "2.0" and "PACT Live" in str(calendar["prodid"])


def test_atom_matches_the_known_good_file_and_parses():
    body = export.feed_atom(data.FEED, data.ENTRIES)
    assert body == (FIXTURES / "feed.atom").read_bytes()
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10" and parsed.feed.title == "Riverside: PACT priorities and progress"
    assert [e.title for e in parsed.entries] == ["In progress: Speeding on Mill Lane", "Agreed priorities: March PACT"]
    assert parsed.entries[1].summary == "The meeting agreed these priorities:\n1. Speeding <on> Mill Lane & more"
    assert parsed.feed.updated == "2026-03-20T09:05:00Z"


# --- routes ---------------------------------------------------------------------------------------

@pytest.fixture
def closed_meeting(meeting, officer):
    """A closed meeting: two public issues (one answered), one held, two agreed priorities, one with progress."""
    alice, _ = join_resident(meeting, "Alice", now=NOW)
    bob, _ = join_resident(meeting, "Bob", now=NOW)
    joined, _ = join_resident(meeting, "Watcher", now=NOW)
    speeding = issues.post_issue(meeting, alice, "Speeding on Mill Lane", "traffic", now=NOW).issue
    litter = issues.post_issue(meeting, bob, "=cmd|' /C calc'!A0 <b>litter</b>", None, now=NOW).issue
    held = issues.post_issue(meeting, bob, "My neighbour at 12 Oak Road deals drugs", None, now=NOW).issue
    held.visibility = Visibility.HELD
    issues.answer_issue(meeting, speeding.id, "Speed checks start Friday.", user=officer, now=NOW)
    # Plain rows: the observer's autocommit connection has no transaction for cast_vote's savepoint.
    db.session.add_all([Vote(issue_id=litter.id, participant_id=p.id, kind=VoteKind.SUPPORT) for p in (alice, bob)])
    meeting.peak_watching = 17
    agreed = priorities.close_meeting(meeting, [
        {"issue_id": litter.id, "action": "Litter pick with the council", "owner": "PCSO Khan",
         "review_on": (NOW + timedelta(days=28)).date().isoformat()},
        {"issue_id": speeding.id, "action": "Speed checks twice a week"},
    ], user=officer, now=NOW)
    progress.post_progress(agreed[1], "in_progress", "Two checks done, 14 drivers stopped.", user=officer, now=NOW)
    db.session.commit()
    assert joined.id
    return meeting


def test_summary_page_reads_without_javascript_and_hides_held_posts(client, closed_meeting):
    response = client.get(f"/meetings/{closed_meeting.id}/summary")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # Everything reads without script; the one script only adds the Print button (hidden without it).
    assert html.count("<script") == 1 and '<script src="/static/share.js">' in html
    assert re.search(r'<button[^>]*data-print[^>]*hidden', html)
    assert "Riverside" in html and "Peak watching</dt><dd>17" in html
    assert "Residents who posted or voted</dt><dd>2" in html
    assert "Speed checks start Friday." in html and "Litter pick with the council" in html and "PCSO Khan" in html
    assert "&lt;b&gt;litter&lt;/b&gt;" in html and "<b>litter</b>" not in html
    assert "Oak Road" not in html
    assert "2 votes" in html and "Two checks done" in html
    assert "export.json" not in html  # staff link only


def test_summary_of_an_open_meeting_is_a_clear_404(client, meeting):
    response = client.get(f"/meetings/{meeting.id}/summary")
    assert response.status_code == 404 and "has not closed yet" in response.get_data(as_text=True)
    assert client.get("/meetings/999999/summary").status_code == 404


def test_beat_page_says_you_said_we_did(client, closed_meeting, beat):
    html = client.get(f"/beats/{beat.slug}").get_data(as_text=True)
    assert "You said, we did" in html
    assert "Speed checks twice a week" in html and "Two checks done, 14 drivers stopped." in html
    assert "In progress" in html and "No progress reported yet." in html
    assert f"/meetings/{closed_meeting.id}/summary" in html and "Oak Road" not in html


def test_priorities_json_is_public_in_the_police_uk_shape(client, closed_meeting, beat):
    response = client.get(f"/beats/{beat.slug}/priorities.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response.headers["Cache-Control"]
    items = json.loads(response.get_data(as_text=True))
    assert [set(i) for i in items] == [{"issue", "issue-date", "action", "action-date"}] * 2
    assert items[0]["issue"] == "=cmd|&#x27; /C calc&#x27;!A0 &lt;b&gt;litter&lt;/b&gt;"
    assert items[0]["issue-date"] == NOW.strftime("%Y-%m-%dT%H:%M:%S") and items[0]["action-date"] is None
    assert items[1]["action-date"] == NOW.strftime("%Y-%m-%dT%H:%M:%S")
    assert client.get("/beats/nowhere/priorities.json").status_code == 404


def test_csv_export_for_staff_of_the_beat(staff_client, closed_meeting, beat):
    response = staff_client.get(f"/export/priorities.csv?beat={beat.slug}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="riverside-priorities-')
    assert "no-store" in response.headers["Cache-Control"]
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))
    assert [(r["Beat"], r["Priority"], r["Votes"], r["Owner"], r["Status"]) for r in rows] == [
        ("Riverside", "'=cmd|' /C calc'!A0 <b>litter</b>", "2", "PCSO Khan", "Open"),
        ("Riverside", "Speeding on Mill Lane", "0", "", "In progress"),
    ]
    assert rows[1]["Latest progress"] == "Two checks done, 14 drivers stopped."
    db.session.expire_all()
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export_csv")).one()
    assert "riverside" in entry.target and entry.actor_role == "officer"


def test_csv_date_filter(staff_client, closed_meeting):
    today = NOW.date()
    inside = staff_client.get(f"/export/priorities.csv?from={today}&to={today}")
    outside = staff_client.get(f"/export/priorities.csv?to={today - timedelta(days=1)}")
    assert len(list(csv.reader(io.StringIO(inside.data.decode("utf-8-sig"))))) == 3
    assert len(list(csv.reader(io.StringIO(outside.data.decode("utf-8-sig"))))) == 1  # the header only


@pytest.mark.parametrize("query,status,words", [
    ("beat=hilltop", 403, "may not see the beat"),
    ("beat=atlantis", 400, "There is no beat"),
    ("from=2026-02-31", 400, "is not a date"),
    ("from=yesterday", 400, "is not a date"),
    ("from=2026-03-01&to=2026-02-01", 400, "after the"),
])
def test_csv_bad_requests_are_clear(staff_client, make_beat, query, status, words):
    make_beat("hilltop", "Hilltop")
    response = staff_client.get(f"/export/priorities.csv?{query}")
    assert response.status_code == status
    assert words in response.get_data(as_text=True)
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "export_csv")) is None


def test_csv_needs_a_staff_sign_in(client, closed_meeting):
    response = client.get("/export/priorities.csv")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_inspector_exports_all_their_beats_and_no_others(app, closed_meeting, make_beat, make_user, beat):
    other = make_beat("hilltop", "Hilltop")
    elsewhere = schedule_meeting(other, "Hilltop PACT", NOW, stage=Stage.LIVE)
    hilltop_officer = make_user("hill@example.org", "officer", [other])
    resident, _ = join_resident(elsewhere, "Hana", now=NOW)
    issue = issues.post_issue(elsewhere, resident, "Hilltop parking", None, now=NOW).issue
    priorities.close_meeting(elsewhere, [{"issue_id": issue.id, "action": "Tickets"}], user=hilltop_officer, now=NOW)
    db.session.commit()
    inspector = make_user("insp@example.org", "inspector", [beat])
    http = app.test_client()
    sign_in(http, inspector.email)
    rows = list(csv.DictReader(io.StringIO(http.get("/export/priorities.csv").data.decode("utf-8-sig"))))
    assert {r["Beat"] for r in rows} == {"Riverside"}
    assert http.get("/export/priorities.csv?beat=hilltop").status_code == 403


def test_meeting_json_export_is_complete_for_staff_only(app, client, staff_client, closed_meeting, make_user, make_beat):
    response = staff_client.get(f"/meetings/{closed_meeting.id}/export.json")
    assert response.status_code == 200 and response.headers["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response.headers["Cache-Control"]
    full = json.loads(response.get_data(as_text=True))
    assert full["format"] == "pact-live-meeting" and full["meeting"]["beat_slug"] == "riverside"
    assert {i["visibility"] for i in full["issues"]} == {"public", "held"}
    assert [p["updates"][0]["note"] for p in full["priorities"] if p["updates"]] == ["Two checks done, 14 drivers stopped."]
    assert full["attendance"]["residents_joined"] == 3 and "token_hash" not in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "export_meeting")) is not None
    assert client.get(f"/meetings/{closed_meeting.id}/export.json").status_code == 302
    outsider = make_user("other@example.org", "officer", [make_beat("hilltop", "Hilltop")])
    http = app.test_client()
    sign_in(http, outsider.email)
    assert http.get(f"/meetings/{closed_meeting.id}/export.json").status_code == 403


def test_calendar_feed_lists_upcoming_meetings(app, client, beat, meeting):
    schedule_meeting(beat, "Next month's PACT", NOW + timedelta(days=30))
    schedule_meeting(beat, "Closed one", NOW - timedelta(days=1), stage=Stage.CLOSED)
    db.session.commit()
    response = client.get(f"/beats/{beat.slug}/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["Riverside PACT", "Next month's PACT"]
    assert str(calendar.walk("VEVENT")[0]["url"]) == f"{app.config['BASE_URL']}/meetings/{meeting.id}"


def test_atom_feed_has_summaries_and_progress(client, closed_meeting, beat):
    response = client.get(f"/beats/{beat.slug}/feed.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    titles = [e.title for e in parsed.entries]
    assert "Agreed priorities: Riverside PACT" in titles and "In progress: Speeding on Mill Lane" in titles
    assert all(e.id for e in parsed.entries) and len({e.id for e in parsed.entries}) == len(parsed.entries)
    assert "Oak Road" not in response.get_data(as_text=True)


def test_officer_posts_progress_through_a_csrf_form(staff_client, closed_meeting, beat):
    priority = closed_meeting.priorities[0]
    page = f"/officer/priorities/{priority.id}"
    assert "Litter pick with the council" in staff_client.get("/officer/priorities").get_data(as_text=True)
    token = csrf_token(staff_client, page)
    refused = staff_client.post(page, data={"csrf_token": token, "status": "done", "note": "   "})
    assert refused.status_code == 400 and "is empty" in refused.get_data(as_text=True)
    forged = staff_client.post(page, data={"status": "done", "note": "Cleared"})
    assert forged.status_code == 400
    bad = staff_client.post(page, data={"csrf_token": token, "status": "finished", "note": "Cleared"})
    assert bad.status_code == 400 and "Choose a status" in bad.get_data(as_text=True)
    done = staff_client.post(page, data={"csrf_token": token, "status": "done", "note": "Area cleared on 3 May."})
    assert done.status_code == 302
    db.session.expire_all()
    assert [u.note for u in db.session.scalars(select(ProgressUpdate).where(ProgressUpdate.priority_id == priority.id))] \
        == ["Area cleared on 3 May."]
    assert "Area cleared on 3 May." in staff_client.get(f"/beats/{beat.slug}").get_data(as_text=True)


def test_only_officers_of_the_beat_post_progress(app, closed_meeting, make_user, make_beat, beat):
    priority = closed_meeting.priorities[0]
    for email, role, beats in (("insp@example.org", "inspector", [beat]),
                               ("other@example.org", "officer", [make_beat("hilltop", "Hilltop")])):
        make_user(email, role, beats)
        http = app.test_client()
        sign_in(http, email)
        assert http.get(f"/officer/priorities/{priority.id}").status_code == 403


def test_inspector_overview_filters_and_shows_overdue_and_quiet_beats(app, closed_meeting, make_user, make_beat, beat):
    quiet = make_beat("hilltop", "Hilltop")
    closed_meeting.priorities[1].review_on = NOW.date() - timedelta(days=3)
    db.session.commit()
    inspector = make_user("insp@example.org", "inspector", [beat, quiet])
    http = app.test_client()
    sign_in(http, inspector.email)
    html = http.get("/inspector/").get_data(as_text=True)
    assert "Actions past their review date (1)" in html and "Speed checks twice a week" in html
    assert "Beats with no meeting since" in html and "Hilltop" in html
    assert "Current priorities (2)" in html and "/export/priorities.csv?beat=hilltop&amp;beat=riverside" in html
    only_quiet = http.get("/inspector/?beat=hilltop").get_data(as_text=True)
    assert "Current priorities (0)" in only_quiet
    bad = http.get("/inspector/?from=not-a-date")
    assert bad.status_code == 400 and "is not a date" in bad.get_data(as_text=True)


def test_next_meetings_room_opens_with_the_last_priorities_without_javascript(client, closed_meeting, make_meeting):
    following = make_meeting(title="Next month")
    html = client.get(f"/meetings/{following.id}").get_data(as_text=True)
    assert "Last meeting's priorities" in html and "Speed checks twice a week" in html
    assert "Two checks done, 14 drivers stopped." in html and "closing.js" in html
    assert "Last meeting" not in client.get(f"/meetings/{closed_meeting.id}").get_data(as_text=True)
