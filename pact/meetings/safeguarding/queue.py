"""What officers must look at first: held posts in order of urgency, how long they have waited,
and how many of each kind a meeting held (for the evidence pages).

Public functions other packages call:
- `waiting_holds(user, now=…, overdue_after=…)` — held posts in every meeting the user moderates or
  oversees, emergency and welfare first (the `/officer/` workspace lists these);
- `hold_counts(meeting)` — `{hold code: posts held}` for one meeting (pact/evidence reads it);
- `queue_order(issues)` and `is_overdue(issue, …)` — the order and the flag the room's queue uses.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from pact.extensions import db
from pact.meetings.safeguarding import URGENT
from pact.models import Issue, Meeting, Role, User, Visibility

OVERDUE_AFTER = timedelta(minutes=5)  # SAFEGUARDING_OVERDUE_MINUTES in config


@dataclass(frozen=True)
class WaitingHold:
    """One held post as a workspace lists it."""

    issue_id: int
    meeting_id: int
    meeting_title: str
    beat_slug: str
    code: str | None
    urgent: bool
    held_at: datetime
    waited_minutes: int
    overdue: bool


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def is_overdue(issue: Issue, *, now: datetime, overdue_after: timedelta = OVERDUE_AFTER) -> bool:
    """Whether a held post has waited longer than the force allows."""
    return issue.visibility is Visibility.HELD and _aware(now) - _aware(issue.created_at) > overdue_after


def queue_order(issues: Iterable[Issue]) -> list[Issue]:
    """Emergency and welfare holds first, then the rest; oldest first within each."""
    return sorted(issues, key=lambda i: (i.hold_reason not in URGENT, _aware(i.created_at), i.id))


def waiting_holds(user: User | None, *, now: datetime, overdue_after: timedelta = OVERDUE_AFTER) -> list[WaitingHold]:
    """Held posts waiting in the meetings of the user's beats (every beat for an admin), most urgent first."""
    if user is None or not getattr(user, "active", False):
        return []
    query = (select(Issue, Meeting).join(Meeting, Issue.meeting_id == Meeting.id)
             .where(Issue.visibility == Visibility.HELD))
    if user.role is not Role.ADMIN:
        beat_ids = [beat.id for beat in user.beats]
        if not beat_ids:
            return []
        query = query.where(Meeting.beat_id.in_(beat_ids))
    rows = list(db.session.execute(query))
    meetings = {issue.id: meeting for issue, meeting in rows}
    return [
        WaitingHold(
            issue_id=issue.id, meeting_id=meetings[issue.id].id, meeting_title=meetings[issue.id].title,
            beat_slug=meetings[issue.id].beat.slug, code=issue.hold_reason, urgent=issue.hold_reason in URGENT,
            held_at=_aware(issue.created_at),
            waited_minutes=int((_aware(now) - _aware(issue.created_at)).total_seconds() // 60),
            overdue=is_overdue(issue, now=now, overdue_after=overdue_after),
        )
        for issue in queue_order(issue for issue, _ in rows)
    ]


def hold_counts(meeting: Meeting) -> dict[str, int]:
    """How many of the meeting's posts were held, by hold code, whatever happened to them after."""
    rows = db.session.execute(
        select(Issue.hold_reason, func.count()).where(Issue.meeting_id == meeting.id, Issue.hold_reason.is_not(None))
        .group_by(Issue.hold_reason)
    )
    return {str(code): int(count) for code, count in rows}
