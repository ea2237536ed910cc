"""Stages, joining and voting as domain services: no HTTP, no sockets."""
import pytest
from sqlalchemy import func, select

from pact.extensions import db
from pact.meetings import issues, stages, voting
from pact.meetings.errors import DomainError
from pact.meetings.participants import admit, join_resident, resume_participant
from pact.models import Issue, Participant, Stage, Vote, VoteKind, utcnow


def code_of(fn, *args, **kwargs):
    with pytest.raises(DomainError) as info:
        fn(*args, **kwargs)
    db.session.rollback()
    return info.value.code


@pytest.mark.parametrize("start,target,allowed", [
    (Stage.SCHEDULED, Stage.LIVE, True),
    (Stage.SCHEDULED, Stage.VOTING, False),
    (Stage.SCHEDULED, Stage.CLOSED, False),
    (Stage.LIVE, Stage.VOTING, True),
    (Stage.LIVE, Stage.SCHEDULED, False),
    (Stage.VOTING, Stage.LIVE, True),
    (Stage.VOTING, Stage.CLOSED, True),
    (Stage.CLOSED, Stage.LIVE, False),
    (Stage.CLOSED, Stage.VOTING, False),
])
def test_stage_transitions(make_meeting, start, target, allowed):
    meeting = make_meeting(stage=start)
    if allowed:
        assert stages.change_stage(meeting, target, now=utcnow()) is True
        assert meeting.stage is target
    else:
        assert code_of(stages.change_stage, meeting, target, now=utcnow()) == "wrong_stage"


def test_going_live_records_when(make_meeting):
    meeting = make_meeting(stage=Stage.SCHEDULED)
    now = utcnow()
    stages.change_stage(meeting, Stage.LIVE, now=now)
    assert meeting.opened_at == now


def test_resident_joins_and_resumes_as_the_same_participant(meeting):
    participant, token = join_resident(meeting, "  Alice ", now=utcnow())
    db.session.commit()
    assert participant.display_name == "Alice"
    assert token not in (participant.token_hash, "")  # only the hash is stored
    again, _ = resume_participant(meeting, token, now=utcnow())
    assert again.id == participant.id
    assert code_of(resume_participant, meeting, "not-a-real-token-at-all", now=utcnow()) == "invalid_token"


def test_resume_token_of_another_meeting_is_refused(make_meeting):
    first, second = make_meeting(), make_meeting(title="Other")
    _, token = join_resident(first, "Alice", now=utcnow())
    db.session.commit()
    assert code_of(resume_participant, second, token, now=utcnow()) == "invalid_token"


def test_closed_meeting_cannot_be_joined(make_meeting):
    meeting = make_meeting(stage=Stage.CLOSED)
    assert code_of(join_resident, meeting, "Alice", now=utcnow()) == "wrong_stage"


def test_officer_of_beat_joins_as_staff_and_other_beat_officer_does_not(meeting, officer, make_beat, make_user):
    staff, _ = admit(meeting, user=officer, now=utcnow())
    assert staff.role.value == "officer" and staff.user_id == officer.id
    outsider = make_user("other@example.org", "officer", [make_beat("hilltop", "Hilltop")])
    assert code_of(admit, meeting, user=outsider, now=utcnow()) == "forbidden"


def test_post_and_support_vote_once(meeting):
    alice, _ = join_resident(meeting, "Alice", now=utcnow())
    bob, _ = join_resident(meeting, "Bob", now=utcnow())
    posted = issues.post_issue(meeting, alice, "Speeding on Mill Lane", "traffic", now=utcnow())
    db.session.commit()
    voting.cast_vote(meeting, bob, posted.issue.id, now=utcnow())
    db.session.commit()
    assert code_of(voting.cast_vote, meeting, bob, posted.issue.id, now=utcnow()) == "duplicate"
    assert voting.tallies(meeting.id, VoteKind.SUPPORT) == {posted.issue.id: 1}
    voting.retract_vote(meeting, bob, posted.issue.id)
    db.session.commit()
    assert voting.tallies(meeting.id, VoteKind.SUPPORT) == {}
    assert code_of(voting.retract_vote, meeting, bob, posted.issue.id) == "not_found"


def test_one_vote_per_participant_per_issue_is_a_database_constraint(meeting):
    alice, _ = join_resident(meeting, "Alice", now=utcnow())
    issue = issues.post_issue(meeting, alice, "Litter", None, now=utcnow()).issue
    db.session.add(Vote(issue_id=issue.id, participant_id=alice.id, kind=VoteKind.SUPPORT))
    db.session.commit()
    db.session.add(Vote(issue_id=issue.id, participant_id=alice.id, kind=VoteKind.SUPPORT))
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(select(func.count(Vote.id))) == 1


def test_posting_refused_in_voting_and_closed(make_meeting):
    for stage in (Stage.VOTING, Stage.CLOSED):
        meeting = make_meeting(stage=stage, title=f"m-{stage.value}")
        person = Participant(meeting=meeting, display_name="A", token_hash=f"h-{stage.value}")
        db.session.add(person)
        db.session.flush()
        assert code_of(issues.post_issue, meeting, person, "Noise", None, now=utcnow()) == "wrong_stage"


def test_muted_resident_cannot_post_or_vote(meeting):
    alice, _ = join_resident(meeting, "Alice", now=utcnow())
    issue = issues.post_issue(meeting, alice, "Noise at night", None, now=utcnow()).issue
    alice.muted = True
    db.session.commit()
    assert code_of(issues.post_issue, meeting, alice, "More", None, now=utcnow()) == "muted"
    assert code_of(voting.cast_vote, meeting, alice, issue.id, now=utcnow()) == "muted"


def test_unknown_category_is_refused(meeting):
    alice, _ = join_resident(meeting, "Alice", now=utcnow())
    assert code_of(issues.post_issue, meeting, alice, "Noise", "weather", now=utcnow()) == "invalid_category"
    assert db.session.scalar(select(func.count(Issue.id))) == 0


def test_only_an_officer_of_the_beat_answers(meeting, officer, make_user, make_beat):
    alice, _ = join_resident(meeting, "Alice", now=utcnow())
    issue = issues.post_issue(meeting, alice, "Noise", None, now=utcnow()).issue
    inspector = make_user("insp@example.org", "inspector", [meeting.beat])
    assert code_of(issues.answer_issue, meeting, issue.id, "We'll look", user=inspector, now=utcnow()) == "forbidden"
    assert code_of(issues.answer_issue, meeting, issue.id, "We'll look", user=None, now=utcnow()) == "forbidden"
    answered = issues.answer_issue(meeting, issue.id, "Patrols from Friday.", user=officer, now=utcnow())
    assert answered.status == "answered" and answered.answer.by_name == "PC Jones"
