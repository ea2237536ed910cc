"""Across beats, for inspectors and exports: which beats a user may see, filters, and report rows."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from pact.extensions import db
from pact.localtime import local, zone
from pact.meetings.errors import DomainError, forbidden
from pact.meetings.permissions import is_staff_user
from pact.meetings.progress import STATUS_LABELS, latest_update
from pact.models import Beat, Meeting, Priority, ProgressStatus, Role, Stage, User

QUIET_MONTHS = 3


@dataclass(frozen=True)
class Filters:
    """Which beats and days a report covers, as checked by `parse_filters`."""
    beats: list[Beat]
    date_from: date | None
    date_to: date | None

    def query_args(self) -> dict[str, Any]:
        """The filters as query arguments, for links that keep them (templates: inspector, evidence)."""
        args: dict[str, Any] = {"beat": [b.slug for b in self.beats]}
        if self.date_from:
            args["from"] = self.date_from.isoformat()
        if self.date_to:
            args["to"] = self.date_to.isoformat()
        return args


def visible_beats(user: User | None) -> list[Beat]:
    """Admins see every beat; officers and inspectors the beats they are assigned to."""
    if not is_staff_user(user):
        return []
    if user.role is Role.ADMIN:
        return list(db.session.scalars(select(Beat).order_by(Beat.name)))
    return sorted(user.beats, key=lambda b: b.name)


def parse_day(raw: str | None, *, label: str) -> date | None:
    """A YYYY-MM-DD day from a filter form (None when blank); raises `invalid_date` naming `label`."""
    if raw is None or raw.strip() == "":
        return None
    raw = raw.strip()
    try:
        if len(raw) != 10:
            raise ValueError
        return date.fromisoformat(raw)
    except ValueError:
        raise DomainError("invalid_date", f"The '{label}' date '{raw[:20]}' is not a date; write it as YYYY-MM-DD.") from None


def parse_filters(user: User | None, slugs: Iterable[str], raw_from: str | None, raw_to: str | None) -> Filters:
    """Beats asked for (all visible ones when none), checked against what `user` may see.

    Raises `not_signed_in`, `unknown_beat`, `forbidden` (a beat the account may not see),
    `invalid_date` (a bad day, or `from` after `to`)."""
    if not is_staff_user(user):
        raise DomainError("not_signed_in", "Sign in as staff to export priorities.")
    allowed = {b.slug: b for b in visible_beats(user)}
    slugs = [s.strip() for s in slugs if s.strip()]
    beats: list[Beat] = []
    for slug in dict.fromkeys(slugs):
        if slug not in allowed:
            exists = db.session.scalar(select(Beat.id).where(Beat.slug == slug)) is not None
            if not exists:
                raise DomainError("unknown_beat", f"There is no beat '{slug[:64]}'.")
            raise forbidden(f"Your account may not see the beat '{slug}'.")
        beats.append(allowed[slug])
    if not slugs:
        beats = list(allowed.values())
    date_from, date_to = parse_day(raw_from, label="from"), parse_day(raw_to, label="to")
    if date_from and date_to and date_from > date_to:
        raise DomainError("invalid_date", "The 'from' date is after the 'to' date.")
    return Filters(beats, date_from, date_to)


def _day_start(day: date) -> datetime:
    """Midnight of a local day (PACT_TIMEZONE): `from`/`to` dates are the days people mean."""
    return datetime.combine(day, time.min, tzinfo=zone()).astimezone(UTC)


def within_days(query: Select, filters: Filters) -> Select:
    """`query` narrowed to meetings starting on the filter's local days (`from` and `to` inclusive)."""
    if filters.date_from:
        query = query.where(Meeting.starts_at >= _day_start(filters.date_from))
    if filters.date_to:
        query = query.where(Meeting.starts_at < _day_start(filters.date_to + timedelta(days=1)))
    return query


def agreed_priorities(filters: Filters) -> list[Priority]:
    """Agreed priorities of closed meetings on the filtered beats, meeting dates within the range."""
    if not filters.beats:
        return []
    query = (
        select(Priority).join(Meeting, Meeting.id == Priority.meeting_id)
        .where(Meeting.beat_id.in_([b.id for b in filters.beats]), Meeting.stage == Stage.CLOSED)
        .options(selectinload(Priority.updates), selectinload(Priority.meeting).selectinload(Meeting.beat))
        .order_by(Meeting.starts_at, Meeting.id, Priority.position)
    )
    return list(db.session.scalars(within_days(query, filters)))


def priority_row(priority: Priority) -> dict[str, Any]:
    """One CSV row's worth of plain data (the columns inspectors asked for)."""
    latest = latest_update(priority)
    meeting = priority.meeting
    return {
        "beat": meeting.beat.name, "beat_slug": meeting.beat.slug, "meeting_id": meeting.id,
        "meeting_title": meeting.title, "meeting_date": local(meeting.starts_at).date().isoformat(),
        "position": priority.position, "priority": priority.text, "votes": priority.votes,
        "action": priority.action, "owner": priority.owner or "",
        "review_on": priority.review_on.isoformat() if priority.review_on else "",
        "status": STATUS_LABELS[priority.status],
        "latest_progress": latest.note if latest else "",
        "latest_progress_on": local(latest.created_at).date().isoformat() if latest else "",
        "agreed_at": priority.agreed_at, "action_at": latest.created_at if latest else None,
    }


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier, or the month's last day when it has fewer days."""
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def overview(filters: Filters, *, today: date) -> dict[str, Any]:
    """The inspector's page: current priorities, actions past review, beats with no recent meeting."""
    rows = [priority_row(p) | {"priority_id": p.id, "review_date": p.review_on, "status_value": p.status.value}
            for p in agreed_priorities(filters)]
    latest_meeting: dict[str, int] = {}
    for row in rows:
        latest_meeting[row["beat_slug"]] = row["meeting_id"]
    current = [r for r in rows if latest_meeting[r["beat_slug"]] == r["meeting_id"]]
    overdue = [r for r in rows if r["review_date"] and r["review_date"] < today
               and r["status_value"] not in (ProgressStatus.DONE.value, ProgressStatus.CARRIED_OVER.value)]
    since = _day_start(months_before(today, QUIET_MONTHS))
    held = dict(db.session.execute(
        select(Meeting.beat_id, func.max(Meeting.starts_at)).where(
            Meeting.beat_id.in_([b.id for b in filters.beats]), Meeting.opened_at.is_not(None))
        .group_by(Meeting.beat_id)).all()) if filters.beats else {}
    quiet = [{"beat": b.name, "beat_slug": b.slug, "last_meeting": held.get(b.id)}
             for b in filters.beats if held.get(b.id) is None or held[b.id] < since]
    return {"current": current, "overdue": overdue, "quiet": quiet, "since": since.date()}
