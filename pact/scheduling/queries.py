"""What the officer's workspace, the calendar and the events export read: plain data per beat."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from pact.extensions import db
from pact.meetings.reporting import visible_beats
from pact.models import Beat, Issue, Meeting, Priority, ProgressStatus, Stage, User, Visibility

RECENT_DAYS = 30
STALE_DAYS = 7  # a scheduled meeting this far past its start no longer counts as upcoming
FINISHED = (ProgressStatus.DONE, ProgressStatus.CARRIED_OVER)


@dataclass
class BeatDesk:
    """One beat as its staff see it between and during meetings."""

    beat: Beat
    live: list[Meeting] = field(default_factory=list)
    upcoming: list[Meeting] = field(default_factory=list)
    recent: list[Meeting] = field(default_factory=list)
    overdue: list[Priority] = field(default_factory=list)


@dataclass
class Workspace:
    """The officer's workspace: their beats' meetings and, per meeting, posts waiting for an officer."""
    beats: list[BeatDesk]
    held: dict[int, int]  # meeting id → posts waiting for an officer
    # Reserved for engineer "safe"'s urgent holds (emergency / welfare) query: meeting id → count.
    urgent: dict[int, int] = field(default_factory=dict)

    @property
    def live(self) -> list[Meeting]:
        """Every live (or voting) meeting across the account's beats."""
        return [m for desk in self.beats for m in desk.live]


def held_counts(meeting_ids: list[int]) -> dict[int, int]:
    """Posts held for review per meeting (not merged away)."""
    if not meeting_ids:
        return {}
    rows = db.session.execute(
        select(Issue.meeting_id, func.count(Issue.id))
        .where(Issue.meeting_id.in_(meeting_ids), Issue.visibility == Visibility.HELD, Issue.merged_into_id.is_(None))
        .group_by(Issue.meeting_id))
    return dict(rows.all())


def overdue_actions(beats: list[Beat], *, today: date) -> dict[int, list[Priority]]:
    """Agreed actions whose review date has passed and that are not done or carried over, per beat id."""
    if not beats:
        return {}
    rows = db.session.execute(
        select(Priority, Meeting.beat_id).join(Meeting, Meeting.id == Priority.meeting_id)
        .where(Meeting.beat_id.in_([b.id for b in beats]), Meeting.stage == Stage.CLOSED,
               Priority.review_on.is_not(None), Priority.review_on < today, Priority.status.not_in(FINISHED))
        .order_by(Priority.review_on, Priority.id))
    found: dict[int, list[Priority]] = defaultdict(list)
    for priority, beat_id in rows:
        found[beat_id].append(priority)
    return found


def workspace(user: User, *, now: datetime, today: date) -> Workspace:
    """The signed-in staff member's beats with their live, upcoming and recent meetings.

    `today` is the local date (pact.localtime), which decides what is past its review date."""
    beats = visible_beats(user)
    ids = [b.id for b in beats]
    meetings = list(db.session.scalars(
        select(Meeting).where(Meeting.beat_id.in_(ids)).where(
            Meeting.stage.in_([Stage.LIVE, Stage.VOTING])
            | ((Meeting.stage == Stage.SCHEDULED) & (Meeting.starts_at >= now - timedelta(days=STALE_DAYS)))
            | (Meeting.stage.in_([Stage.CLOSED, Stage.CANCELLED])
               & (func.coalesce(Meeting.closed_at, Meeting.cancelled_at, Meeting.starts_at)
                  >= now - timedelta(days=RECENT_DAYS))))
        .order_by(Meeting.starts_at, Meeting.id))) if ids else []
    desks = {b.id: BeatDesk(b) for b in beats}
    for meeting in meetings:
        desk = desks[meeting.beat_id]
        if meeting.stage in (Stage.LIVE, Stage.VOTING):
            desk.live.append(meeting)
        elif meeting.stage is Stage.SCHEDULED:
            desk.upcoming.append(meeting)
        else:
            desk.recent.insert(0, meeting)
    for beat_id, items in overdue_actions(beats, today=today).items():
        desks[beat_id].overdue = items
    return Workspace(list(desks.values()), held_counts([m.id for m in meetings]))


def calendar_meetings(beat: Beat, *, now: datetime) -> list[Meeting]:
    """What the beat's calendar carries: meetings to come or under way, and recent cancellations
    (so calendars that had the event learn it is off)."""
    return list(db.session.scalars(
        select(Meeting).where(
            Meeting.beat_id == beat.id,
            Meeting.stage.in_([Stage.LIVE, Stage.VOTING])
            | ((Meeting.stage == Stage.SCHEDULED) & (Meeting.starts_at >= now - timedelta(days=STALE_DAYS)))
            | ((Meeting.stage == Stage.CANCELLED) & (Meeting.starts_at >= now - timedelta(days=RECENT_DAYS))),
        ).order_by(Meeting.starts_at, Meeting.id)))


def beat_events(beat: Beat) -> list[Meeting]:
    """The beat's meetings for the police.uk events export: every one not cancelled, newest first."""
    return list(db.session.scalars(
        select(Meeting).where(Meeting.beat_id == beat.id, Meeting.stage != Stage.CANCELLED)
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())))


def announcements(beat: Beat, *, limit: int = 20) -> list[dict[str, Any]]:
    """Schedule news for the beat's Atom feed: meetings scheduled, rescheduled and cancelled."""
    rows = db.session.scalars(
        select(Meeting).where(Meeting.beat_id == beat.id, Meeting.updated_at.is_not(None))
        .order_by(Meeting.updated_at.desc(), Meeting.id.desc()).limit(limit))
    items = []
    for meeting in rows:
        if meeting.stage is Stage.CANCELLED:
            kind = "cancelled"
        elif meeting.sequence:
            kind = "rescheduled"
        else:
            kind = "scheduled"
        items.append({"kind": kind, "meeting": meeting, "updated": meeting.updated_at, "sequence": meeting.sequence})
    return items
