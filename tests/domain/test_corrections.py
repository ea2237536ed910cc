"""Priority titles at close and corrections after it, each audited with before and after."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from pact.export import police_uk_priorities
from pact.extensions import db
from pact.meetings import corrections, issues, priorities, reporting, summary
from pact.meetings.errors import DomainError
from pact.meetings.participants import join_resident
from pact.models import AuditEntry, Issue, PriorityCorrection, Stage, utcnow

NOW = utcnow()
RAW = "speedin on mill lane evry nite!!! sumone will get kild"


def refused(fn, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as info:
        fn(*args, **kwargs)
    db.session.rollback()
    return info.value


@pytest.fixture
def closed(meeting, officer):
    """A meeting closed with one reworded priority and one in the resident's words."""
    alice = join_resident(meeting, "Alice", now=NOW)[0]
    first = issues.post_issue(meeting, alice, RAW, None, now=NOW).issue
    second = issues.post_issue(meeting, alice, "Litter in the park", None, now=NOW).issue
    agreed = priorities.close_meeting(meeting, [
        {"issue_id": first.id, "title": "  Speeding on Mill Lane at night ", "action": "Speed checks twice a wek"},
        {"issue_id": second.id, "action": "Ask the council to empty the bins"},
    ], user=officer, now=NOW)
    db.session.commit()
    return meeting, agreed, first


def test_a_title_is_the_public_wording_and_the_issue_keeps_the_residents_words(closed):
    meeting, (reworded, plain), issue = closed
    assert reworded.text == "Speeding on Mill Lane at night"
    assert plain.text == "Litter in the park"
    assert db.session.get(Issue, issue.id).text == RAW
    data = summary.meeting_summary(meeting)
    assert [p["text"] for p in data["priorities"]] == ["Speeding on Mill Lane at night", "Litter in the park"]
    assert RAW in [i["text"] for i in data["issues"]]  # the issue list still says what the resident wrote
    agreed = reporting.agreed_priorities(reporting.Filters([meeting.beat], None, None))
    rows = [reporting.priority_row(p) for p in agreed]
    assert [r["issue"] for r in police_uk_priorities(rows)] == ["Speeding on Mill Lane at night", "Litter in the park"]


@pytest.mark.parametrize("title, code", [("", "empty"), ("   ", "empty"), ("x" * 201, "too_long"),
                                         ("two\nlines", "invalid_characters"), (7, "invalid_payload")])
def test_a_bad_title_refuses_the_close_and_changes_nothing(meeting, officer, title, code):
    alice = join_resident(meeting, "Alice", now=NOW)[0]
    issue = issues.post_issue(meeting, alice, "Speeding on Mill Lane", None, now=NOW).issue
    db.session.commit()
    error = refused(priorities.close_meeting, meeting, [{"issue_id": issue.id, "title": title, "action": "Checks"}],
                    user=officer, now=NOW)
    assert error.code == code and error.extra["index"] == 0 and error.message.startswith("Priority 1: ")
    assert meeting.stage.value == "live"


def test_a_correction_changes_each_field_and_audits_before_and_after(closed, officer):
    meeting, (priority, _), _ = closed
    later = NOW + timedelta(days=2)
    review = (later.date() + timedelta(days=30)).isoformat()
    made = corrections.correct_priority(priority, {
        "title": "Speeding on Mill Lane", "action": "Speed checks twice a week", "owner": "PC Jones",
        "review_on": review}, user=officer, now=later)
    db.session.commit()
    assert [(c.field, c.before, c.after) for c in made] == [
        ("title", "Speeding on Mill Lane at night", "Speeding on Mill Lane"),
        ("action", "Speed checks twice a wek", "Speed checks twice a week"),
        ("owner", None, "PC Jones"), ("review_on", None, review)]
    assert (priority.text, priority.action, priority.owner, priority.review_on) == (
        "Speeding on Mill Lane", "Speed checks twice a week", "PC Jones", date.fromisoformat(review))
    assert priority.updated_at == later
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "correct_priority")
                                 .order_by(AuditEntry.id)).all()
    assert [e.target for e in entries] == [f"priority {priority.id}: {f}" for f in corrections.FIELDS]
    assert entries[1].reason == "before: Speed checks twice a wek\nafter: Speed checks twice a week"
    assert "PC Jones" in entries[0].actor_name
    data = summary.meeting_summary(meeting)["priorities"][0]
    assert data["text"] == "Speeding on Mill Lane" and data["updated_at"].startswith(later.date().isoformat())


def test_only_changed_fields_are_recorded_and_an_empty_owner_clears_it(closed, officer):
    _, (priority, _), _ = closed
    corrections.correct_priority(priority, {"owner": "Sgt Patel"}, user=officer, now=NOW)
    made = corrections.correct_priority(priority, {"title": priority.text, "action": priority.action, "owner": "",
                                                   "review_on": ""}, user=officer, now=NOW)
    db.session.commit()
    assert [(c.field, c.before, c.after) for c in made] == [("owner", "Sgt Patel", None)]
    assert len(db.session.scalars(select(PriorityCorrection)).all()) == 2


@pytest.mark.parametrize("changes, code, field", [
    ({"title": ""}, "empty", "title"),
    ({"title": "y" * 201}, "too_long", "title"),
    ({"action": "   "}, "empty", "action"),
    ({"owner": "o" * 121}, "too_long", "owner"),
    ({"review_on": "tomorrow"}, "invalid_date", "review_on"),
    ({"review_on": "2001-01-01"}, "invalid_date", "review_on"),
    ({"status": "done"}, "invalid_payload", None),
    ({"title": "Speeding on Mill Lane at night"}, "unchanged", None),
    ({}, "unchanged", None),
])
def test_a_bad_correction_is_refused_and_changes_nothing(closed, officer, changes, code, field):
    _, (priority, _), _ = closed
    before = (priority.text, priority.action, priority.owner, priority.review_on)
    payload = {"action": "Fixed", **changes} if field == "title" else changes  # a valid field is not kept either
    error = refused(corrections.correct_priority, priority, payload, user=officer, now=NOW)
    assert error.code == code and error.extra.get("field") == field
    db.session.expire_all()
    assert (priority.text, priority.action, priority.owner, priority.review_on) == before
    assert priority.updated_at is None
    assert db.session.scalars(select(PriorityCorrection)).all() == []
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "correct_priority")).all() == []


def test_only_officers_of_the_beat_correct_and_only_after_close(closed, officer, make_user, make_beat, make_meeting):
    _, (priority, _), _ = closed
    other = make_user("pc.other@example.org", "officer", [make_beat("elsewhere", "Elsewhere")])
    inspector = make_user("insp@example.org", "inspector", [priority.meeting.beat])
    def code(user):
        return refused(corrections.correct_priority, priority, {"title": "New"}, user=user, now=NOW).code

    assert code(other) == "forbidden" and code(inspector) == "forbidden" and code(None) == "forbidden"
    priority.meeting.stage = Stage.VOTING
    assert code(officer) == "wrong_stage"
