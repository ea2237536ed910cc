"""Scheduling rules: create, edit, reschedule, cancel; who may; the audit trail; the hooks."""
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from pact import localtime
from pact.extensions import db
from pact.meetings.errors import DomainError
from pact.models import AuditEntry, Meeting, ModerationMode, Stage
from pact.scheduling import hooks, operations, queries
from pact.scheduling.operations import MeetingDetails

NOW = datetime(2027, 3, 20, 12, 0, tzinfo=UTC)


def details(**changes) -> MeetingDetails:
    base = {"title": "Riverside PACT", "starts_at": localtime.parse_local("2027-03-27T19:00"),
                "ends_at": localtime.parse_local("2027-03-27T20:30")}
    return MeetingDetails(**(base | changes))


@pytest.fixture
def officer(make_user, beat):
    return make_user("pc@example.org", "officer", [beat], name="PC Jones")


def entries(action):
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_a_meeting_is_created_scheduled_and_audited(beat, officer):
    wanted = details(venue="St Mary's Hall, Oak Road", stream_url="https://youtu.be/abcdefghijk",
                     moderation=ModerationMode.PREMODERATED, votes_per_resident=5)
    meeting = operations.create_meeting(beat, wanted, user=officer, now=NOW)
    assert meeting.stage is Stage.SCHEDULED and meeting.sequence == 0
    assert meeting.starts_at == datetime(2027, 3, 27, 19, 0, tzinfo=UTC)  # GMT, the day before BST
    assert meeting.venue == "St Mary's Hall, Oak Road" and meeting.votes_per_resident == 5
    (entry,) = entries("schedule_meeting")
    body = json.loads(entry.reason)
    assert body["before"] is None and body["after"]["title"] == "Riverside PACT" and entry.actor_user_id == officer.id


@pytest.mark.parametrize("change, code, field", [
    ({"ends_at": localtime.parse_local("2027-03-27T18:00")}, "ends_before_start", "ends_at"),
    ({"ends_at": localtime.parse_local("2027-03-27T19:00")}, "ends_before_start", "ends_at"),
    ({"starts_at": NOW - timedelta(hours=1), "ends_at": None}, "starts_in_past", "starts_at"),
    ({"title": "   "}, "empty", "title"),
    ({"title": "x" * 201}, "too_long", "title"),
    ({"votes_per_resident": 0}, "invalid_votes", "votes_per_resident"),
    ({"votes_per_resident": 11}, "invalid_votes", "votes_per_resident"),
    ({"stream_url": "javascript:alert(1)"}, "invalid_url", "stream_url"),
    ({"dial_in": "call me"}, "invalid_dial_in", "dial_in"),
    ({"moderation": "open"}, "invalid_moderation", "moderation"),
])
def test_bad_details_are_refused_naming_the_field(beat, officer, change, code, field):
    with pytest.raises(DomainError) as error:
        operations.create_meeting(beat, details(**change), user=officer, now=NOW)
    assert error.value.code == code and error.value.extra["field"] == field
    assert entries("schedule_meeting") == []


def test_only_staff_of_the_beat_or_an_admin_schedule(make_beat, make_user, beat, officer):
    other = make_beat("hillside", "Hillside")
    stranger = make_user("other@example.org", "officer", [other])
    with pytest.raises(DomainError) as error:
        operations.create_meeting(beat, details(), user=stranger, now=NOW)
    assert error.value.code == "forbidden"
    inspector = make_user("insp@example.org", "inspector", [beat])
    admin = make_user("admin@example.org", "admin")
    assert operations.create_meeting(beat, details(), user=inspector, now=NOW).beat is beat
    assert operations.create_meeting(other, details(), user=admin, now=NOW).beat is other


def test_rescheduling_keeps_the_meeting_raises_the_sequence_and_audits_before_and_after(beat, officer):
    meeting = operations.create_meeting(beat, details(), user=officer, now=NOW)
    seen = []
    listener = hooks.on_rescheduled(lambda m, before, now: seen.append((m.id, before["starts_at"])))
    try:
        changed = operations.update_meeting(meeting, details(starts_at=localtime.parse_local("2027-03-28T19:00"),
                                                             ends_at=localtime.parse_local("2027-03-28T20:30")),
                                            user=officer, now=NOW)
    finally:
        hooks._RESCHEDULED.remove(listener)
    assert changed == ["starts_at", "ends_at"] and meeting.sequence == 1
    assert meeting.starts_at == datetime(2027, 3, 28, 18, 0, tzinfo=UTC)  # 7pm BST
    assert seen == [(meeting.id, "2027-03-27T19:00+00:00")]
    body = json.loads(entries("reschedule_meeting")[0].reason)
    assert body["before"]["starts_at"] == "2027-03-27T19:00+00:00"
    assert body["after"]["starts_at"] == "2027-03-28T18:00+00:00"
    assert body["changed"] == ["ends_at", "starts_at"]
    # A title-only edit is audited as an edit and keeps the sequence.
    assert operations.update_meeting(meeting, details(title="Riverside PACT (spring)",
                                                      starts_at=meeting.starts_at, ends_at=meeting.ends_at),
                                     user=officer, now=NOW) == ["title"]
    assert meeting.sequence == 1 and len(entries("edit_meeting")) == 1
    # Nothing changed: nothing audited.
    assert operations.update_meeting(meeting, details(title="Riverside PACT (spring)", starts_at=meeting.starts_at,
                                                      ends_at=meeting.ends_at), user=officer, now=NOW) == []
    assert len(entries("edit_meeting")) == 1


def test_a_live_or_closed_meeting_keeps_its_time(beat, officer):
    meeting = operations.create_meeting(beat, details(), user=officer, now=NOW)
    meeting.stage = Stage.LIVE
    with pytest.raises(DomainError) as error:
        operations.update_meeting(meeting, details(starts_at=localtime.parse_local("2027-03-28T19:00"), ends_at=None),
                                  user=officer, now=NOW)
    assert error.value.code == "wrong_stage"
    # …but a stream link can still be added while it is live.
    assert operations.update_meeting(meeting, details(stream_url="https://vimeo.com/123456"), user=officer,
                                     now=NOW) == ["stream_url"]
    meeting.stage = Stage.CLOSED
    with pytest.raises(DomainError) as error:
        operations.update_meeting(meeting, details(title="New"), user=officer, now=NOW)
    assert error.value.code == "wrong_stage"


def test_moving_the_start_into_the_past_is_refused(beat, officer):
    meeting = operations.create_meeting(beat, details(), user=officer, now=NOW)
    with pytest.raises(DomainError) as error:
        operations.update_meeting(meeting, details(starts_at=NOW - timedelta(days=1), ends_at=None), user=officer,
                                  now=NOW)
    assert error.value.code == "starts_in_past"


def test_cancel_needs_a_reason_and_a_scheduled_meeting(beat, officer):
    meeting = operations.create_meeting(beat, details(), user=officer, now=NOW)
    with pytest.raises(DomainError) as error:
        operations.cancel_meeting(meeting, "  ", user=officer, now=NOW)
    assert error.value.code == "reason_required" and meeting.stage is Stage.SCHEDULED
    seen = []
    listener = hooks.on_cancelled(lambda m, now: seen.append(m.cancel_reason))
    try:
        operations.cancel_meeting(meeting, "The hall flooded; we will rearrange.", user=officer, now=NOW)
    finally:
        hooks._CANCELLED.remove(listener)
    assert meeting.stage is Stage.CANCELLED and meeting.sequence == 1
    assert seen == ["The hall flooded; we will rearrange."]
    body = json.loads(entries("cancel_meeting")[0].reason)
    assert body["before"]["stage"] == "scheduled" and body["after"]["stage"] == "cancelled"
    for again in (lambda: operations.cancel_meeting(meeting, "again", user=officer, now=NOW),
                  lambda: operations.update_meeting(meeting, details(title="x"), user=officer, now=NOW)):
        with pytest.raises(DomainError) as error:
            again()
        assert error.value.code == "wrong_stage"


@pytest.mark.parametrize("stage", [Stage.LIVE, Stage.VOTING, Stage.CLOSED])
def test_only_scheduled_meetings_can_be_cancelled(beat, officer, stage):
    meeting = operations.create_meeting(beat, details(), user=officer, now=NOW)
    meeting.stage = stage
    with pytest.raises(DomainError) as error:
        operations.cancel_meeting(meeting, "reason", user=officer, now=NOW)
    assert error.value.code == "wrong_stage"


def test_the_workspace_groups_meetings_and_counts_held_posts(beat, officer, make_beat, make_user):
    from pact.meetings.directory import schedule_meeting
    from pact.models import Issue, Participant

    now = datetime.now(UTC)
    live = schedule_meeting(beat, "Live one", now - timedelta(minutes=5), stage=Stage.LIVE)
    soon, later = details(starts_at=now + timedelta(days=2), ends_at=None), details(starts_at=now + timedelta(days=3),
                                                                                     ends_at=None)
    upcoming = operations.create_meeting(beat, soon, user=officer, now=now)
    cancelled = operations.create_meeting(beat, later, user=officer, now=now)
    operations.cancel_meeting(cancelled, "Clash with the council meeting", user=officer, now=now)
    other = make_beat("hillside", "Hillside")
    schedule_meeting(other, "Not mine", now + timedelta(days=1))
    resident = Participant(meeting=live, display_name="Ann", token_hash="t" * 64)
    db.session.add(resident)
    db.session.add(Issue(meeting=live, author=resident, text="held one", category="other", visibility="held"))
    db.session.flush()
    desk = queries.workspace(officer, now=now, today=now.date())
    (mine,) = desk.beats
    assert [m.title for m in mine.live] == ["Live one"] and mine.upcoming == [upcoming] and mine.recent == [cancelled]
    assert desk.held == {live.id: 1} and desk.urgent == {}
    nobody = make_user("new@example.org", "officer", [])
    assert queries.workspace(nobody, now=now, today=now.date()).beats == []
    admin = make_user("admin@example.org", "admin")
    assert [d.beat.slug for d in queries.workspace(admin, now=now, today=now.date()).beats] == ["hillside", "riverside"]


def test_the_demo_schedules_its_next_meeting_at_7pm_local_time_with_a_venue():
    from pact.demo import seed_demo

    assert seed_demo("a long enough demo password") is not None
    upcoming = db.session.scalars(select(Meeting).where(Meeting.stage == Stage.SCHEDULED)).one()
    start = localtime.local(upcoming.starts_at)
    assert (start.hour, start.minute) == (19, 0) and upcoming.ends_at - upcoming.starts_at == timedelta(minutes=90)
    assert upcoming.venue and entries("schedule_meeting")
