"""Deciding: the shortlist, merging duplicates, and closing a meeting with its agreed priorities.

Officers of the beat (or admins) call these; each takes the acting user and `now`, adds and
flushes, and records itself in the audit log. The adapter commits and broadcasts.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select, update

from pact.evidence.attendance import store_figures
from pact.extensions import db
from pact.meetings import audit, stages
from pact.meetings.errors import DomainError
from pact.meetings.issues import get_issue
from pact.meetings.lookup import find
from pact.meetings.permissions import require_moderator
from pact.meetings.text import LIMITS, clean_text
from pact.meetings.voting import tallies
from pact.models import Issue, Meeting, Priority, ProgressStatus, Stage, User, Vote, VoteKind
from pact.wording import N_

MAX_PRIORITIES = 10
ACTION_LIMIT = LIMITS["action"]
OWNER_LIMIT = LIMITS["owner"]
TITLE_LIMIT = LIMITS["title"]
PRIORITY_FIELDS = {"issue_id", "title", "action", "owner", "review_on"}


@dataclass(frozen=True)
class Merged:
    """What `merge_issues` did: the duplicate, the issue it went into, and the voters whose vote moved."""
    source: Issue
    target: Issue
    moved_voters: list[int]  # participants whose current-stage vote now counts for the target


def _public_issue(meeting: Meeting, issue_id: object, *, doing: str) -> Issue:
    issue = get_issue(meeting, issue_id)
    if issue.merged_into_id is not None:
        raise DomainError("already_merged", f"Issue {issue.id} was merged into another; {doing} that one instead.")
    if not issue.is_public:
        raise DomainError("not_public", f"Issue {issue.id} is {issue.status}; only public issues can be {doing}.")
    return issue


def set_shortlist(meeting: Meeting, issue_ids: list[int], *, user: User, now: datetime) -> list[Issue]:
    """Make exactly `issue_ids` the shortlist; returns the issues whose place on it changed.

    While voting, an issue that already has priority votes cannot leave the shortlist (residents'
    votes would silently vanish). Raises `forbidden` (not an officer of the beat), `wrong_stage` (not
    live or voting), `duplicate` (an id twice), `not_found` / `not_public` / `already_merged` for an
    issue, `has_votes` (with `issue_id`)."""
    require_moderator(user, meeting)
    stages.require_stage(meeting, Stage.LIVE, Stage.VOTING, doing=N_("change the shortlist"))
    if len(set(issue_ids)) != len(issue_ids):
        raise DomainError("duplicate", "The shortlist names the same issue twice.")
    wanted = {_public_issue(meeting, issue_id, doing="shortlisted").id for issue_id in issue_ids}
    current = list(db.session.scalars(select(Issue).where(Issue.meeting_id == meeting.id, Issue.shortlisted.is_(True))))
    if meeting.stage is Stage.VOTING:
        counts = tallies(meeting.id, VoteKind.PRIORITY)
        kept = [issue.id for issue in current if issue.id not in wanted and counts.get(issue.id)]
        if kept:
            raise DomainError("has_votes", f"Issue {kept[0]} already has priority votes, so it stays on the shortlist.",
                              issue_id=kept[0])
    changed = [issue for issue in current if issue.id not in wanted]
    for issue in changed:
        issue.shortlisted = False
    for issue_id in sorted(wanted):
        issue = db.session.get_one(Issue, issue_id)
        if not issue.shortlisted:
            issue.shortlisted = True
            changed.append(issue)
    audit.record("shortlist", now=now, user=user, meeting=meeting,
                 target=",".join(str(i) for i in sorted(wanted))[:120] or "none")
    db.session.flush()
    return changed


def merge_issues(meeting: Meeting, issue_id: object, into_issue_id: object, *, user: User, now: datetime) -> Merged:
    """Fold a duplicate into another issue: its votes follow it, never counting one person twice.

    Raises `forbidden` (not an officer of the beat), `wrong_stage` (closed or cancelled),
    `invalid_payload` (into itself), `not_found` / `not_public` / `already_merged` for either issue."""
    require_moderator(user, meeting)
    stages.require_stage(meeting, Stage.SCHEDULED, Stage.LIVE, Stage.VOTING, doing=N_("merge issues"))
    source = get_issue(meeting, issue_id)
    target = _public_issue(meeting, into_issue_id, doing="merged into")
    if source.id == target.id:
        raise DomainError("invalid_payload", "An issue cannot be merged into itself.")
    if source.merged_into_id is not None:
        raise DomainError("already_merged", f"Issue {source.id} is already merged.")
    # Lock both rows so a concurrent merge of the pair waits (no-op on SQLite, which serialises writers).
    db.session.execute(select(Issue.id).where(Issue.id.in_([source.id, target.id])).with_for_update())
    kind = VoteKind.PRIORITY if meeting.stage is Stage.VOTING else VoteKind.SUPPORT
    moved: list[int] = []
    for vote_kind in VoteKind:
        already = select(Vote.participant_id).where(Vote.issue_id == target.id, Vote.kind == vote_kind)
        db.session.execute(delete(Vote).where(
            Vote.issue_id == source.id, Vote.kind == vote_kind, Vote.participant_id.in_(already)),
            execution_options={"synchronize_session": False})
        if vote_kind is kind:
            moved = list(db.session.scalars(select(Vote.participant_id).where(
                Vote.issue_id == source.id, Vote.kind == vote_kind)))
        db.session.execute(update(Vote).where(Vote.issue_id == source.id, Vote.kind == vote_kind)
                           .values(issue_id=target.id), execution_options={"synchronize_session": False})
    source.merged_into_id = target.id
    target.shortlisted = target.shortlisted or source.shortlisted
    source.shortlisted = False
    audit.record("merge", now=now, user=user, meeting=meeting, target=f"issue {source.id} into {target.id}")
    db.session.flush()
    db.session.expire(source)
    db.session.expire(target)
    return Merged(source, target, moved)


def parse_review_on(raw: object, *, today: date, where: str = "") -> date | None:
    """A priority's review date (None when left out), `where` prefixing the message ("Priority 2: ").

    Raises `invalid_date`: not text, not YYYY-MM-DD, or before `today`."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        raise DomainError("invalid_date", f"{where}The review date must be text like 2026-12-31.")
    try:
        value = date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:
        value = None
    if value is None:
        raise DomainError("invalid_date", f"{where}'{raw[:20]}' is not a date; write it as YYYY-MM-DD, e.g. 2026-12-31.")
    if value < today:
        raise DomainError("invalid_date", f"{where}The review date {raw} has already passed; choose today or later.")
    return value


def _parse_priority(meeting: Meeting, item: object, n: int, today: date) -> dict[str, Any]:
    where = f"Priority {n}: "
    if not isinstance(item, dict) or set(item) - PRIORITY_FIELDS or "issue_id" not in item or "action" not in item:
        raise DomainError("invalid_payload",
                          f"{where}give issue_id and action (and optionally title, owner and review_on).",
                          index=n - 1)
    try:
        issue = _public_issue(meeting, item["issue_id"], doing="agreed as a priority")
        title = parse_title(item.get("title"))
        action = clean_text(item["action"], field="promised action", max_length=ACTION_LIMIT)
        owner = parse_owner(item.get("owner"))
        review_on = parse_review_on(item.get("review_on"), today=today, where=where)
    except DomainError as error:
        message = error.message if error.message.startswith(where) else where + error.message
        raise DomainError(error.code, message, **{**error.extra, "index": n - 1}) from None
    return {"issue": issue, "title": title, "action": action, "owner": owner, "review_on": review_on}


def parse_title(raw: object) -> str | None:
    """A priority's public wording (1–200 characters, one line); None means "use the issue's words".

    Raises `empty`, `too_long`, `invalid_characters`."""
    if raw is None:
        return None
    return clean_text(raw, field="priority's title", max_length=TITLE_LIMIT, multiline=False)


def parse_owner(raw: object) -> str | None:
    """Who owns a priority's action (None when left out); raises `too_long` / `invalid_characters`."""
    if raw in (None, "") or (isinstance(raw, str) and not raw.strip()):
        return None
    return clean_text(raw, field="owner", max_length=OWNER_LIMIT, multiline=False)


def close_meeting(meeting: Meeting, raw_priorities: list[Any], *, user: User, now: datetime) -> list[Priority]:
    """Agree the priorities (in the order given) with their actions, and close the meeting.

    Each priority's public wording is its `title` when given, else the issue's text; the issue itself
    keeps the resident's words. Everything is checked before anything is written, so a refused close
    changes nothing. Raises `forbidden` (not an officer of the beat), `wrong_stage` (not live or
    voting), `empty` (no priority), `too_many` (with `limit`), `duplicate` (an issue twice), and per
    priority (message "Priority N: …", with `index`) `invalid_payload`, `not_found`, `not_public`,
    `already_merged`, `invalid_date`, `empty` / `too_long` for the action, owner or title."""
    require_moderator(user, meeting)
    stages.require_stage(meeting, Stage.LIVE, Stage.VOTING, doing=N_("close the meeting"))
    if not raw_priorities:
        raise DomainError("empty", "Agree at least one priority before closing the meeting.")
    if len(raw_priorities) > MAX_PRIORITIES:
        raise DomainError("too_many", f"A meeting agrees at most {MAX_PRIORITIES} priorities.", limit=MAX_PRIORITIES)
    parsed = [_parse_priority(meeting, item, n, now.date()) for n, item in enumerate(raw_priorities, start=1)]
    seen: set[int] = set()
    for n, entry in enumerate(parsed, start=1):
        if entry["issue"].id in seen:
            raise DomainError("duplicate", f"Priority {n}: that issue is already agreed above.", index=n - 1)
        seen.add(entry["issue"].id)
    counts = tallies(meeting.id, VoteKind.PRIORITY if meeting.voting_at else VoteKind.SUPPORT)
    created = []
    for position, entry in enumerate(parsed, start=1):
        issue = entry["issue"]
        priority = Priority(
            meeting=meeting, issue_id=issue.id, position=position, text=entry["title"] or issue.text,
            votes=counts.get(issue.id, 0),
            action=entry["action"], owner=entry["owner"], review_on=entry["review_on"],
            status=ProgressStatus.OPEN, agreed_at=now,
        )
        db.session.add(priority)
        created.append(priority)
    stages.change_stage(meeting, Stage.CLOSED, now=now)
    audit.record("close", now=now, user=user, meeting=meeting, target=f"{len(created)} priorities")
    db.session.flush()  # the meeting's row is now locked to the commit: late pulse answers wait for it
    store_figures([meeting])  # the evidence figures, counted once (pact/evidence/attendance.py)
    return created


def get_priority(priority_id: object) -> Priority:
    """The priority `priority_id` names; raises `invalid_payload` (not a whole number) or `not_found`."""
    return find(Priority, priority_id, field="priority_id", what=N_("priority"))
