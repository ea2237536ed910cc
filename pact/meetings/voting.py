"""Votes: support for an issue while live, limited priority votes on the shortlist while voting."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from pact.extensions import db
from pact.meetings import stages
from pact.meetings.errors import DomainError, not_found
from pact.meetings.issues import get_issue
from pact.meetings.participants import require_active
from pact.models import Issue, Meeting, Participant, Stage, Visibility, Vote, VoteKind


def vote_kind(meeting: Meeting) -> VoteKind:
    return VoteKind.PRIORITY if meeting.stage is Stage.VOTING else VoteKind.SUPPORT


def _votable_issue(meeting: Meeting, issue_id: object, kind: VoteKind) -> Issue:
    issue = get_issue(meeting, issue_id)
    if not issue.is_public:
        raise not_found("issue")
    if kind is VoteKind.PRIORITY and not issue.shortlisted:
        raise DomainError("not_shortlisted", "Only issues on the shortlist can get priority votes.")
    return issue


def _lock(participant: Participant) -> None:
    """Serialise one participant's votes (two tabs at once) so limits and uniqueness hold."""
    db.session.execute(select(Participant.id).where(Participant.id == participant.id).with_for_update())


def cast_vote(meeting: Meeting, voter: Participant, issue_id: object, *, now: datetime) -> Vote:
    require_active(voter, doing="vote")
    stages.require_stage(meeting, Stage.SCHEDULED, Stage.LIVE, Stage.VOTING, doing="vote")
    kind = vote_kind(meeting)
    issue = _votable_issue(meeting, issue_id, kind)
    _lock(voter)
    existing = db.session.scalar(
        select(Vote.id).where(Vote.participant_id == voter.id, Vote.issue_id == issue.id, Vote.kind == kind)
    )
    if existing is not None:
        raise DomainError("duplicate", "You have already voted for this issue.")
    if kind is VoteKind.PRIORITY:
        used = priority_votes_used(meeting, voter)
        if used >= meeting.votes_per_resident:
            raise DomainError(
                "vote_limit_reached",
                f"You have used all {meeting.votes_per_resident} of your priority votes. "
                "Take one back to vote for something else.",
                limit=meeting.votes_per_resident,
            )
    vote = Vote(issue_id=issue.id, participant_id=voter.id, kind=kind, created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(vote)
    except IntegrityError:
        raise DomainError("duplicate", "You have already voted for this issue.") from None
    return vote


def retract_vote(meeting: Meeting, voter: Participant, issue_id: object) -> None:
    require_active(voter, doing="change your votes")
    stages.require_stage(meeting, Stage.SCHEDULED, Stage.LIVE, Stage.VOTING, doing="change your votes")
    kind = vote_kind(meeting)
    issue = get_issue(meeting, issue_id)
    _lock(voter)
    vote = db.session.scalar(
        select(Vote).where(Vote.participant_id == voter.id, Vote.issue_id == issue.id, Vote.kind == kind)
    )
    if vote is None:
        raise DomainError("not_found", "You have not voted for this issue, so there is nothing to take back.")
    db.session.delete(vote)
    db.session.flush()


def priority_votes_used(meeting: Meeting, voter: Participant) -> int:
    return db.session.scalar(
        select(func.count(Vote.id)).join(Issue).where(
            Vote.participant_id == voter.id, Vote.kind == VoteKind.PRIORITY, Issue.meeting_id == meeting.id
        )
    ) or 0


def tallies(meeting_id: int, kind: VoteKind) -> dict[int, int]:
    """Vote counts per public issue for one kind of vote — one query for the whole meeting."""
    rows = db.session.execute(
        select(Vote.issue_id, func.count(Vote.id))
        .join(Issue, Issue.id == Vote.issue_id)
        .where(
            Issue.meeting_id == meeting_id, Vote.kind == kind, Issue.visibility == Visibility.PUBLIC,
            Issue.merged_into_id.is_(None),
        )
        .group_by(Vote.issue_id)
    )
    return {issue_id: count for issue_id, count in rows}


def my_votes(meeting: Meeting, voter: Participant, kind: VoteKind) -> set[int]:
    return set(
        db.session.scalars(
            select(Vote.issue_id).join(Issue).where(
                Vote.participant_id == voter.id, Vote.kind == kind, Issue.meeting_id == meeting.id
            )
        )
    )


def issue_votes(issue: Issue, kind: VoteKind) -> int:
    return db.session.scalar(select(func.count(Vote.id)).where(Vote.issue_id == issue.id, Vote.kind == kind)) or 0
