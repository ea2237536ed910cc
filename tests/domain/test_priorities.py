"""Shortlist, merge, close, progress, verdicts and reports as domain services: no HTTP, no sockets."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from pact.extensions import db
from pact.meetings import issues, priorities, progress, reporting, summary, voting
from pact.meetings.errors import DomainError
from pact.meetings.participants import join_resident
from pact.models import AuditEntry, Issue, Priority, ProgressStatus, Stage, Visibility, Vote, VoteKind, utcnow

NOW = utcnow()


def code_of(fn, *args, **kwargs):
    with pytest.raises(DomainError) as info:
        fn(*args, **kwargs)
    db.session.rollback()
    return info.value.code


def post(meeting, who, text):
    return issues.post_issue(meeting, who, text, None, now=NOW).issue


@pytest.fixture
def room(meeting):
    """A live meeting with three residents and three public issues (raised by a fourth: no one supports their own)."""
    people = [join_resident(meeting, name, now=NOW)[0] for name in ("Alice", "Bob", "Cara")]
    dee = join_resident(meeting, "Dee", now=NOW)[0]
    posted = [post(meeting, dee, text) for text in ("Speeding on Mill Lane", "Litter in the park", "Speeding, Mill Ln")]
    db.session.commit()
    return meeting, people, posted


def audit_actions():
    return [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_shortlist_is_exactly_what_the_officer_chose_and_is_audited(room, officer):
    meeting, _, (a, b, c) = room
    changed = priorities.set_shortlist(meeting, [a.id, b.id], user=officer, now=NOW)
    assert {i.id for i in changed} == {a.id, b.id}
    changed = priorities.set_shortlist(meeting, [b.id, c.id], user=officer, now=NOW)
    db.session.commit()
    assert {i.id for i in changed} == {a.id, c.id}
    assert [i.id for i in db.session.scalars(select(Issue).where(Issue.shortlisted)).all()] == [b.id, c.id]
    assert audit_actions() == ["shortlist", "shortlist"]


def test_shortlist_refusals_change_nothing(room, officer, make_user, beat):
    meeting, _, (a, b, c) = room
    c.visibility = Visibility.HIDDEN
    db.session.commit()
    assert code_of(priorities.set_shortlist, meeting, [a.id, a.id], user=officer, now=NOW) == "duplicate"
    assert code_of(priorities.set_shortlist, meeting, [a.id, c.id], user=officer, now=NOW) == "not_public"
    assert code_of(priorities.set_shortlist, meeting, [a.id, 999999], user=officer, now=NOW) == "not_found"
    inspector = make_user("insp@example.org", "inspector", [beat])
    assert code_of(priorities.set_shortlist, meeting, [a.id], user=inspector, now=NOW) == "forbidden"
    meeting.stage = Stage.SCHEDULED
    db.session.commit()
    assert code_of(priorities.set_shortlist, meeting, [a.id], user=officer, now=NOW) == "wrong_stage"
    assert db.session.scalar(select(func.count(Issue.id)).where(Issue.shortlisted)) == 0
    assert audit_actions() == []


def test_an_issue_with_priority_votes_stays_on_the_shortlist(room, officer):
    meeting, (alice, _, _), (a, b, _) = room
    priorities.set_shortlist(meeting, [a.id, b.id], user=officer, now=NOW)
    meeting.stage = Stage.VOTING
    voting.cast_vote(meeting, alice, a.id, now=NOW)
    db.session.commit()
    assert code_of(priorities.set_shortlist, meeting, [b.id], user=officer, now=NOW) == "has_votes"
    priorities.set_shortlist(meeting, [a.id], user=officer, now=NOW)  # b had none: it may go
    assert db.session.get(Issue, b.id).shortlisted is False


@pytest.mark.parametrize("stage,kind", [(Stage.LIVE, VoteKind.SUPPORT), (Stage.VOTING, VoteKind.PRIORITY)])
def test_merged_votes_follow_the_issue_without_counting_anyone_twice(room, officer, stage, kind):
    meeting, (alice, bob, cara), (a, b, dup) = room
    priorities.set_shortlist(meeting, [a.id, dup.id], user=officer, now=NOW)
    meeting.stage = stage
    for voter, issue in ((alice, dup), (bob, dup), (bob, a), (cara, a)):
        voting.cast_vote(meeting, voter, issue.id, now=NOW)
    db.session.commit()
    merged = priorities.merge_issues(meeting, dup.id, a.id, user=officer, now=NOW)
    db.session.commit()
    assert merged.moved_voters == [alice.id]
    assert voting.tallies(meeting.id, kind) == {a.id: 3}
    assert db.session.scalar(select(func.count(Vote.id))) == 3
    assert db.session.get(Issue, dup.id).status == "merged" and db.session.get(Issue, dup.id).merged_into_id == a.id
    assert voting.my_votes(meeting, alice, kind) == {a.id}
    assert "merge" in audit_actions()


def test_merge_carries_the_shortlist_to_the_surviving_issue(room, officer):
    meeting, _, (a, _, dup) = room
    priorities.set_shortlist(meeting, [dup.id], user=officer, now=NOW)
    priorities.merge_issues(meeting, dup.id, a.id, user=officer, now=NOW)
    assert db.session.get(Issue, a.id).shortlisted and not db.session.get(Issue, dup.id).shortlisted


def test_merge_refusals(room, officer):
    meeting, _, (a, b, dup) = room
    assert code_of(priorities.merge_issues, meeting, a.id, a.id, user=officer, now=NOW) == "invalid_payload"
    priorities.merge_issues(meeting, dup.id, a.id, user=officer, now=NOW)
    db.session.commit()
    assert code_of(priorities.merge_issues, meeting, dup.id, b.id, user=officer, now=NOW) == "already_merged"
    assert code_of(priorities.merge_issues, meeting, b.id, dup.id, user=officer, now=NOW) == "already_merged"
    assert code_of(priorities.merge_issues, meeting, b.id, 424242, user=officer, now=NOW) == "not_found"
    assert code_of(priorities.merge_issues, meeting, "1", a.id, user=officer, now=NOW) == "invalid_payload"


def test_close_agrees_priorities_with_votes_and_actions(room, officer):
    meeting, (alice, bob, _), (a, b, _) = room
    priorities.set_shortlist(meeting, [a.id, b.id], user=officer, now=NOW)
    meeting.stage, meeting.voting_at = Stage.VOTING, NOW
    voting.cast_vote(meeting, alice, b.id, now=NOW)
    voting.cast_vote(meeting, bob, b.id, now=NOW)
    voting.cast_vote(meeting, bob, a.id, now=NOW)
    review = (NOW + timedelta(days=30)).date()
    agreed = priorities.close_meeting(meeting, [
        {"issue_id": b.id, "action": "  Litter pick with the council  ", "owner": "PCSO Khan", "review_on": review.isoformat()},
        {"issue_id": a.id, "action": "Speed checks twice a week"},
    ], user=officer, now=NOW)
    db.session.commit()
    assert [(p.position, p.text, p.votes) for p in agreed] == [(1, "Litter in the park", 2), (2, "Speeding on Mill Lane", 1)]
    assert agreed[0].action == "Litter pick with the council" and agreed[0].owner == "PCSO Khan"
    assert agreed[0].review_on == review and agreed[1].owner is None and agreed[1].review_on is None
    assert meeting.stage is Stage.CLOSED and meeting.closed_at == NOW
    assert audit_actions()[-1] == "close"


def _close_cases(ids):
    a, b, hidden = ids
    ok = {"issue_id": a, "action": "Patrols"}
    return [
        ([], "empty"),
        ([{"issue_id": 999999, "action": "x"}], "not_found"),
        ([{"issue_id": a, "action": "   "}], "empty"),
        ([{"issue_id": a, "action": "x" * 2001}], "too_long"),
        ([{"issue_id": a, "action": "x", "review_on": "31/12/2030"}], "invalid_date"),
        ([{"issue_id": a, "action": "x", "review_on": "2030-02-30"}], "invalid_date"),
        ([{"issue_id": a, "action": "x", "review_on": "2001-01-01"}], "invalid_date"),
        ([{"issue_id": a, "action": "x", "review_on": 20301231}], "invalid_date"),
        ([ok, {"issue_id": a, "action": "again"}], "duplicate"),
        ([ok, {"issue_id": b}], "invalid_payload"),
        ([{"issue_id": a, "action": "x", "colour": "red"}], "invalid_payload"),
        (["issue 1"], "invalid_payload"),
        ([{"issue_id": "1", "action": "x"}], "invalid_payload"),
        ([{"issue_id": a, "action": "x", "owner": "a\nb"}], "invalid_characters"),
        ([{"issue_id": hidden, "action": "x"}], "not_public"),
        ([{"issue_id": a, "action": "x"}] * 11, "too_many"),
    ]


def test_close_refusals_name_the_priority_and_change_nothing(room, officer):
    meeting, _, (a, b, c) = room
    c.visibility = Visibility.HELD
    db.session.commit()
    for payload, code in _close_cases((a.id, b.id, c.id)):
        with pytest.raises(DomainError) as info:
            priorities.close_meeting(meeting, payload, user=officer, now=NOW)
        db.session.rollback()
        assert info.value.code == code, payload
        if payload and code not in ("too_many",):
            assert info.value.message.startswith("Priority "), info.value.message
        assert meeting.stage is Stage.LIVE and db.session.scalar(select(func.count(Priority.id))) == 0


def test_close_needs_an_officer_of_the_beat_and_an_open_meeting(room, officer, make_user, make_beat):
    meeting, _, (a, _, _) = room
    outsider = make_user("other@example.org", "officer", [make_beat("hilltop", "Hilltop")])
    item = [{"issue_id": a.id, "action": "x"}]
    assert code_of(priorities.close_meeting, meeting, item, user=outsider, now=NOW) == "forbidden"
    assert code_of(priorities.close_meeting, meeting, item, user=None, now=NOW) == "forbidden"
    priorities.close_meeting(meeting, item, user=officer, now=NOW)
    db.session.commit()
    assert code_of(priorities.close_meeting, meeting, item, user=officer, now=NOW) == "wrong_stage"


@pytest.fixture
def closed(room, officer):
    meeting, _, (a, b, _) = room
    agreed = priorities.close_meeting(meeting, [{"issue_id": a.id, "action": "Speed checks"},
                                                {"issue_id": b.id, "action": "Litter pick"}], user=officer, now=NOW)
    db.session.commit()
    return meeting, agreed


def test_progress_updates_set_the_status_and_are_audited(closed, officer, make_user, beat):
    _, (first, _) = closed
    progress.post_progress(first, "in_progress", "Two checks done, 14 drivers stopped.", user=officer, now=NOW)
    later = NOW + timedelta(days=7)
    progress.post_progress(first, "done", "Average speed down to 24 mph.", user=officer, now=later)
    db.session.commit()
    assert first.status is ProgressStatus.DONE
    assert progress.latest_update(first).note == "Average speed down to 24 mph."
    assert audit_actions()[-2:] == ["progress", "progress"]
    inspector = make_user("insp@example.org", "inspector", [beat])
    assert code_of(progress.post_progress, first, "done", "x", user=inspector, now=NOW) == "forbidden"
    assert code_of(progress.post_progress, first, "finished", "x", user=officer, now=NOW) == "invalid_status"
    assert code_of(progress.post_progress, first, "done", "  ", user=officer, now=NOW) == "empty"


def test_next_meeting_reviews_the_previous_priorities_and_records_verdicts(closed, make_meeting, officer):
    _, (first, second) = closed
    progress.post_progress(first, "done", "Speed camera van deployed.", user=officer, now=NOW)
    following = make_meeting(stage=Stage.SCHEDULED, title="Next month")
    resident, _ = join_resident(following, "Dan", now=NOW)
    db.session.commit()
    review = progress.review_items(following, resident)
    assert [(r["text"], r["status"], r["my_verdict"]) for r in review] == [
        ("Speeding on Mill Lane", "done", None), ("Litter in the park", "open", None)]
    assert review[0]["latest"]["note"] == "Speed camera van deployed."
    progress.record_verdict(following, resident, first.id, "dealt_with", now=NOW)
    progress.record_verdict(following, resident, first.id, "not_dealt_with", now=NOW)  # changes their answer
    db.session.commit()
    assert progress.verdict_counts([first.id]) == {first.id: {"dealt_with": 0, "not_dealt_with": 1}}
    assert progress.review_items(following, resident)[0]["my_verdict"] == "not_dealt_with"
    assert code_of(progress.record_verdict, following, resident, first.id, "maybe", now=NOW) == "invalid_payload"
    assert code_of(progress.record_verdict, following, resident, 999999, "dealt_with", now=NOW) == "not_found"


def test_verdicts_only_on_the_last_meetings_priorities(closed, make_meeting, officer):
    meeting, (first, _) = closed
    alice = db.session.scalars(select(Issue)).first().author
    assert code_of(progress.record_verdict, meeting, alice, first.id, "dealt_with", now=NOW) == "wrong_stage"
    following = make_meeting(stage=Stage.LIVE)
    staff_participant = join_resident(following, "Dan", now=NOW)[0]
    staff_participant.role = type(staff_participant.role)("officer")
    db.session.commit()
    assert code_of(progress.record_verdict, following, staff_participant, first.id, "dealt_with", now=NOW) == "forbidden"


def test_summary_shows_public_issues_attendance_and_priorities_only(closed, make_meeting):
    meeting, _ = closed
    meeting.peak_watching = 41
    author = db.session.scalars(select(Issue)).first().author
    secret = Issue(meeting=meeting, author=author, text="07700 900123 is my number", visibility=Visibility.HELD)
    db.session.add(secret)
    db.session.commit()
    data = summary.meeting_summary(meeting)
    assert data["attendance"] == {"peak_watching": 41, "residents_joined": 4, "residents_returning": 0,
                                  "residents_took_part": 1}
    assert [i["text"] for i in data["issues"]] == ["Speeding on Mill Lane", "Litter in the park", "Speeding, Mill Ln"]
    assert [p["action"] for p in data["priorities"]] == ["Speed checks", "Litter pick"]
    assert "07700" not in str(data)
    full = summary.meeting_export(meeting)
    assert any(i["text"].startswith("07700") and i["visibility"] == "held" for i in full["issues"])
    assert "token" not in str(full) and "hash" not in str(full)


def test_filters_are_scoped_to_the_users_beats(beat, make_beat, make_user):
    other = make_beat("hilltop", "Hilltop")
    inspector = make_user("insp@example.org", "inspector", [beat])
    admin = make_user("admin@example.org", "admin")
    assert [b.slug for b in reporting.parse_filters(inspector, [], None, None).beats] == ["riverside"]
    assert [b.slug for b in reporting.parse_filters(admin, [], None, None).beats] == ["hilltop", "riverside"]
    assert code_of(reporting.parse_filters, inspector, ["hilltop"], None, None) == "forbidden"
    assert code_of(reporting.parse_filters, inspector, ["atlantis"], None, None) == "unknown_beat"
    assert code_of(reporting.parse_filters, inspector, [], "2026-13-01", None) == "invalid_date"
    assert code_of(reporting.parse_filters, inspector, [], "2026-02-01", "2026-01-01") == "invalid_date"
    assert code_of(reporting.parse_filters, None, [], None, None) == "not_signed_in"
    assert other.slug == "hilltop"


def test_overview_finds_overdue_actions_and_quiet_beats(closed, make_beat, make_user, beat):
    meeting, (first, second) = closed
    first.review_on = date(2020, 1, 1)
    quiet = make_beat("hilltop", "Hilltop")
    inspector = make_user("insp@example.org", "inspector", [beat, quiet])
    db.session.commit()
    data = reporting.overview(reporting.parse_filters(inspector, [], None, None), today=NOW.date())
    assert [r["priority"] for r in data["current"]] == ["Speeding on Mill Lane", "Litter in the park"]
    assert [r["priority"] for r in data["overdue"]] == ["Speeding on Mill Lane"]
    assert [q["beat_slug"] for q in data["quiet"]] == ["hilltop"]
    later = reporting.overview(reporting.parse_filters(inspector, [], None, None), today=NOW.date() + timedelta(days=100))
    assert [q["beat_slug"] for q in later["quiet"]] == ["hilltop", "riverside"]
    outside = reporting.parse_filters(inspector, [], "2001-01-01", "2001-12-31")
    assert reporting.overview(outside, today=NOW.date())["current"] == []


@pytest.mark.parametrize("day,months,expected", [
    (date(2026, 5, 31), 3, date(2026, 2, 28)), (date(2026, 1, 15), 3, date(2025, 10, 15)),
    (date(2024, 5, 31), 3, date(2024, 2, 29)), (date(2026, 12, 1), 12, date(2025, 12, 1)),
])
def test_months_before(day, months, expected):
    assert reporting.months_before(day, months) == expected


def test_upcoming_meetings_leave_out_closed_and_long_past(beat, make_meeting):
    from pact.meetings.directory import schedule_meeting

    soon = schedule_meeting(beat, "Soon", NOW + timedelta(days=3))
    schedule_meeting(beat, "Forgotten", NOW - timedelta(days=60))
    live = make_meeting(stage=Stage.LIVE, title="Tonight")
    done = make_meeting(stage=Stage.CLOSED, title="Done")
    db.session.commit()
    assert [m.title for m in summary.upcoming_meetings(beat, now=NOW)] == ["Tonight", "Soon"]
    assert done.stage is Stage.CLOSED and soon.starts_at > live.starts_at
