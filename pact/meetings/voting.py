"""Votes: support for an issue while live, limited priority votes on the shortlist while voting."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, literal, or_, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from pact.extensions import db
from pact.meetings import stages
from pact.meetings.errors import DomainError, not_found, worded
from pact.meetings.issues import get_issue
from pact.meetings.participants import require_active
from pact.models import Issue, Meeting, Participant, Stage, Visibility, Vote, VoteKind
from pact.wording import N_


def vote_kind(meeting: Meeting) -> VoteKind:
    """The kind of vote the meeting takes now: priority while `voting`, else support."""
    return VoteKind.PRIORITY if meeting.stage is Stage.VOTING else VoteKind.SUPPORT


def _votable_issue(meeting: Meeting, issue_id: object, kind: VoteKind) -> Issue:
    issue = get_issue(meeting, issue_id)
    if not issue.is_public:
        raise not_found(N_("issue"))
    if kind is VoteKind.PRIORITY and not issue.shortlisted:
        raise DomainError("not_shortlisted", N_("Only issues on the shortlist can get priority votes."))
    return issue


def refuse_own_issue(issue: Issue, voter: Participant) -> None:
    """An author cannot support (or vote as a priority for) their own issue: raises `own_issue` (with `issue_id`)."""
    if issue.participant_id == voter.id:
        raise DomainError("own_issue", N_("This is your own issue, so it already counts as raised by you; "
                                          "support other people's issues instead."), issue_id=issue.id)


def _lock(participant: Participant) -> None:
    """Serialise one participant's votes (two tabs at once) so limits and uniqueness hold."""
    db.session.execute(select(Participant.id).where(Participant.id == participant.id).with_for_update())


def cast_vote(meeting: Meeting, voter: Participant, issue_id: object, *, now: datetime) -> None:
    """A resident's vote in the current stage: support (live, scheduled) or priority (voting).

    Raises `muted` / `forbidden` (removed), `wrong_stage` (closed or cancelled), `invalid_payload` /
    `not_found` for the issue (not public, or merged), `own_issue`, `device_voted` (another name from
    this browser voted), `duplicate` (already voted), and while voting `not_shortlisted` and
    `vote_limit_reached`."""
    require_active(voter, doing=N_("vote"))
    stages.require_stage(meeting, Stage.SCHEDULED, Stage.LIVE, Stage.VOTING, doing=N_("vote"))
    kind = vote_kind(meeting)
    if kind is VoteKind.PRIORITY:
        _cast_priority_vote(meeting, voter, issue_id, now=now)
    elif not _insert_support_vote(meeting, voter, issue_id, now=now):
        issue = _votable_issue(meeting, issue_id, kind)  # raises not_found when that is why
        refuse_own_issue(issue, voter)  # own_issue
        _refuse_device_vote(issue, voter, kind)
        raise already_voted()


def already_voted() -> DomainError:
    """The `duplicate` refusal of a vote the voter has already given."""
    return DomainError("duplicate", N_("You have already voted for this issue."))


def _device_voted(issue_id: Any, voter: Any, kind: VoteKind) -> Any:  # ids or SQL columns
    """EXISTS: another name from the voter's browser (device cookie) has this vote on this issue.
    One browser, one voice: re-joining under new names cannot multiply support (issue #11 M3)."""
    other, their_vote = aliased(Participant), aliased(Vote)
    return (
        select(their_vote.id).join(other, other.id == their_vote.participant_id)
        .where(their_vote.issue_id == issue_id, their_vote.kind == kind, other.device_hash.is_not(None),
               other.device_hash == voter.device_hash, other.id != voter.id)
        .exists()
    )


def _refuse_device_vote(issue: Issue, voter: Participant, kind: VoteKind) -> None:
    if voter.device_hash is not None and db.session.scalar(select(_device_voted(issue.id, voter, kind))):
        raise DomainError("device_voted", N_("Someone using this browser has already voted for this issue under "
                                             "another name. One browser has one vote per issue."))


def _device_votes_used(meeting: Meeting, voter: Participant) -> int:
    """Priority votes cast from the voter's browser under any name (or the voter's alone, without one)."""
    if voter.device_hash is None:
        return priority_votes_used(meeting, voter)
    return db.session.scalar(
        select(func.count(Vote.id)).join(Issue).join(Participant, Participant.id == Vote.participant_id).where(
            Issue.meeting_id == meeting.id, Vote.kind == VoteKind.PRIORITY,
            Participant.device_hash == voter.device_hash)
    ) or 0


def _insert_support_vote(meeting: Meeting, voter: Participant, issue_id: object, *, now: datetime) -> bool:
    """One support vote through the same statement as a batch. Returns False when nothing was inserted."""
    if not isinstance(issue_id, int) or isinstance(issue_id, bool):
        raise DomainError("invalid_payload", N_("issue_id must be a whole number."))
    return (voter.id, issue_id) in insert_support_votes([(voter.id, issue_id)], now=now)


def insert_support_votes(
    wanted: Sequence[tuple[int, int]], *, now: datetime, residents_only: bool = False,
) -> set[tuple[int, int]]:
    """The hot path of a live meeting: support votes for many (participant_id, issue_id) pairs in one
    statement. A pair is inserted only if its voter may vote now (neither removed nor muted, and,
    with `residents_only`, not staff), the voter's meeting is scheduled or live, the issue is public
    in that meeting and not the voter's own, and the voter has not voted for it yet. Returns the
    pairs inserted; the caller finds out why any other pair was refused (see `cast_vote`)."""
    pairs = list(dict.fromkeys(wanted))
    if not pairs:
        return set()
    columns = Vote.__table__.c
    votable = (
        select(Issue.id, Participant.id, literal(VoteKind.SUPPORT, columns.kind.type),
               literal(now, columns.created_at.type))
        .select_from(Participant)
        .join(Meeting, Meeting.id == Participant.meeting_id)
        .join(Issue, Issue.meeting_id == Meeting.id)
        .where(*_support_conditions(pairs, residents_only=residents_only))
    )
    insert = _dialect_insert()(Vote).from_select(["issue_id", "participant_id", "kind", "created_at"], votable)
    rows = db.session.execute(
        insert.on_conflict_do_nothing(index_elements=["participant_id", "issue_id", "kind"])
        .returning(Vote.participant_id, Vote.issue_id)
    )
    return {(participant_id, issue_id) for participant_id, issue_id in rows}


def _support_conditions(pairs: Sequence[tuple[int, int]], *, residents_only: bool) -> list[Any]:
    """Who may give which support vote now, over Participant, Meeting and Issue (see insert_support_votes)."""
    conditions = [
        Participant.id.in_({p for p, _ in pairs}), Issue.id.in_({i for _, i in pairs}),
        Participant.removed.is_(False), Participant.muted.is_(False),
        Meeting.stage.in_([Stage.SCHEDULED, Stage.LIVE]),
        Issue.visibility == Visibility.PUBLIC, Issue.merged_into_id.is_(None),
        or_(Issue.participant_id.is_(None), Issue.participant_id != Participant.id),
    ]
    if len(pairs) > 1:  # each voter with their own issue, not every voter with every issue
        conditions.append(tuple_(Participant.id, Issue.id).in_(pairs))
    if residents_only:
        conditions.append(Participant.user_id.is_(None))
    conditions.append(~_device_voted(Issue.id, Participant, VoteKind.SUPPORT))
    return conditions


ALREADY = "already"  # cast_support_votes: the voter may vote for it, and already has (`duplicate`)


def cast_support_votes(wanted: Sequence[tuple[int, int]], *, now: datetime) -> list[bool | str]:
    """Residents' support votes from many sockets at once (see pact/live/group_commit.py): for each
    (participant_id, issue_id), True if it was inserted. The same vote twice: the first one gets it.
    `ALREADY` when nothing but the voter's own earlier vote stood in the way (refused as `duplicate`
    without the checked path: a client repeating votes must not cost an ORM load per vote). False
    sends the vote down the checked path (`cast_vote`), which says why it was refused."""
    inserted = insert_support_votes(wanted, now=now, residents_only=True)
    left = [pair for pair in dict.fromkeys(wanted) if pair not in inserted]
    repeated = _already_supported(left) if left else set()
    answers: list[bool | str] = []
    for pair in wanted:
        answers.append(True if pair in inserted else ALREADY if pair in repeated else False)
        inserted.discard(pair)
    return answers


def _already_supported(pairs: Sequence[tuple[int, int]]) -> set[tuple[int, int]]:
    """Of these pairs, those the voter could support now but has already (one statement)."""
    own = aliased(Vote)
    has_voted = (select(own.id).where(own.participant_id == Participant.id, own.issue_id == Issue.id,
                                      own.kind == VoteKind.SUPPORT).exists())
    rows = db.session.execute(
        select(Participant.id, Issue.id).select_from(Participant)
        .join(Meeting, Meeting.id == Participant.meeting_id)
        .join(Issue, Issue.meeting_id == Meeting.id)
        .where(*_support_conditions(pairs, residents_only=True), has_voted))
    return {(participant_id, issue_id) for participant_id, issue_id in rows}


def _dialect_insert():
    return sqlite_insert if db.session.get_bind().dialect.name == "sqlite" else pg_insert


def _cast_priority_vote(meeting: Meeting, voter: Participant, issue_id: object, *, now: datetime) -> None:
    """Limited votes: lock the voter's row so two tabs at once cannot exceed the limit."""
    issue = _votable_issue(meeting, issue_id, VoteKind.PRIORITY)
    refuse_own_issue(issue, voter)
    _lock(voter)
    existing = db.session.scalar(
        select(Vote.id).where(Vote.participant_id == voter.id, Vote.issue_id == issue.id,
                              Vote.kind == VoteKind.PRIORITY)
    )
    if existing is not None:
        raise DomainError("duplicate", N_("You have already voted for this issue."))
    _refuse_device_vote(issue, voter, VoteKind.PRIORITY)
    used = _device_votes_used(meeting, voter)
    if used >= meeting.votes_per_resident:
        raise worded("vote_limit_reached",
                     N_("You have used all %(num)s of your priority votes. Take one back to vote for something else."),
                     {"num": meeting.votes_per_resident}, limit=meeting.votes_per_resident)
    vote = Vote(issue_id=issue.id, participant_id=voter.id, kind=VoteKind.PRIORITY, created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(vote)
    except IntegrityError:
        raise DomainError("duplicate", N_("You have already voted for this issue.")) from None


def retract_vote(meeting: Meeting, voter: Participant, issue_id: object) -> None:
    """Take back the voter's vote of the current kind on an issue.

    Raises `muted` / `forbidden` (removed), `wrong_stage` (closed or cancelled), `invalid_payload` /
    `not_found` for the issue, `not_found` (no such vote to take back)."""
    require_active(voter, doing=N_("change your votes"))
    stages.require_stage(meeting, Stage.SCHEDULED, Stage.LIVE, Stage.VOTING, doing=N_("change your votes"))
    kind = vote_kind(meeting)
    issue = get_issue(meeting, issue_id)
    _lock(voter)
    vote = db.session.scalar(
        select(Vote).where(Vote.participant_id == voter.id, Vote.issue_id == issue.id, Vote.kind == kind)
    )
    if vote is None:
        raise DomainError("not_found", N_("You have not voted for this issue, so there is nothing to take back."))
    db.session.delete(vote)
    db.session.flush()


def priority_votes_used(meeting: Meeting, voter: Participant) -> int:
    """How many priority votes the voter has cast in this meeting."""
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
    return {int(issue_id): int(count) for issue_id, count in rows}


def tallies_by_kind(meeting_id: int) -> dict[VoteKind, dict[int, int]]:
    """Support and priority counts per public issue in one query (for snapshots)."""
    counts: dict[VoteKind, dict[int, int]] = {kind: {} for kind in VoteKind}
    rows = db.session.execute(
        select(Vote.kind, Vote.issue_id, func.count(Vote.id))
        .join(Issue, Issue.id == Vote.issue_id)
        .where(Issue.meeting_id == meeting_id, Issue.visibility == Visibility.PUBLIC, Issue.merged_into_id.is_(None))
        .group_by(Vote.kind, Vote.issue_id)
    )
    for kind, issue_id, count in rows:
        counts[kind][issue_id] = count
    return counts


def my_votes(meeting: Meeting, voter: Participant, kind: VoteKind) -> set[int]:
    """The issue ids the voter has a vote of `kind` on in this meeting."""
    return set(
        db.session.scalars(
            select(Vote.issue_id).join(Issue).where(
                Vote.participant_id == voter.id, Vote.kind == kind, Issue.meeting_id == meeting.id
            )
        )
    )


def issue_votes(issue: Issue, kind: VoteKind) -> int:
    """The issue's count of votes of `kind`."""
    return db.session.scalar(select(func.count(Vote.id)).where(Vote.issue_id == issue.id, Vote.kind == kind)) or 0
