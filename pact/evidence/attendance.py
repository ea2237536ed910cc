"""Attendance per meeting: watching, joining, posting, voting, first-timers, answers, holds.

Every figure is computed for many meetings at once with grouped queries (the evidence page shows
hundreds). People are counted by the pseudonymous browser key (the `pact_device` cookie's SHA-256
hash stored on the participant), never by account, name or address.
"""
from __future__ import annotations

import json
import statistics
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Select, distinct, func, select, union

from pact.evidence.pulse import PulseFigures, lock_meeting, pulse_figures
from pact.extensions import db
from pact.meetings.safeguarding.queue import hold_counts
from pact.models import (
    Answer,
    Issue,
    Meeting,
    MeetingFigures,
    MeetingViewer,
    Participant,
    ParticipantRole,
    Stage,
    Visibility,
    Vote,
    utcnow,
)

FIGURES_VERSION = 2  # raise when a figure is counted differently: stored figures are then counted again
CHUNK = 250  # closed meetings counted per round of queries


@dataclass
class Attendance:
    """One meeting's attendance figures (counts of people or of issues)."""

    meeting_id: int
    peak_watching: int = 0
    unique_watched: int = 0
    participants: int = 0
    first_time_participants: int = 0
    returning_participants: int = 0
    posted: int = 0
    voted: int = 0
    issues_raised: int = 0
    issues_answered: int = 0
    minutes_to_answer: list[float] = field(default_factory=list)
    holds: dict[str, int] = field(default_factory=dict)
    hidden_posts: int = 0
    in_room: int = 0  # hybrid meetings: people in the hall, as the officer counted them (Meeting.room_size)
    issues_raised_in_room: int = 0  # typed in by an officer from the floor (not in issues_raised)
    age_bands: dict[str, int] = field(default_factory=dict)  # optional join answers (demographics.py)
    districts: dict[str, int] = field(default_factory=dict)

    @property
    def share_answered(self) -> float | None:
        """Issues answered among issues raised (None when none were raised)."""
        return self.issues_answered / self.issues_raised if self.issues_raised else None

    @property
    def median_minutes_to_answer(self) -> float | None:
        """Median minutes from a post to its answer, to 0.1 (None when nothing was answered)."""
        return round(statistics.median(self.minutes_to_answer), 1) if self.minutes_to_answer else None

    def as_dict(self) -> dict[str, Any]:
        """The figures as stored (`meeting_figures.data`) and shown, derived shares included."""
        return {
            "meeting_id": self.meeting_id, "peak_watching": self.peak_watching, "unique_watched": self.unique_watched,
            "participants": self.participants, "first_time_participants": self.first_time_participants,
            "returning_participants": self.returning_participants, "posted": self.posted, "voted": self.voted,
            "issues_raised": self.issues_raised, "issues_answered": self.issues_answered,
            "share_answered": self.share_answered, "median_minutes_to_answer": self.median_minutes_to_answer,
            "holds": dict(sorted(self.holds.items())), "holds_total": sum(self.holds.values()),
            "hidden_posts": self.hidden_posts, "in_room": self.in_room, "online": self.participants,
            "issues_raised_in_room": self.issues_raised_in_room,
        }


def _grouped(query: Select) -> dict[int, int]:
    return {meeting_id: n for meeting_id, n in db.session.execute(query)}  # noqa: C416 (rows, not pairs)


def _residents(ids: Select):
    return (Participant.meeting_id.in_(ids), Participant.role == ParticipantRole.RESIDENT)


def _returning(ids: Select, beat_ids: list[int], until: datetime) -> dict[int, int]:
    """Residents whose browser key joined an earlier meeting of the same beat.

    The key's cookie lives 365 days in the browser and is not renewed, so "earlier" reaches back a
    year at most; a browser without the cookie counts as a first-timer."""
    seen = (
        select(Participant.meeting_id, Participant.device_hash, Meeting.beat_id, Meeting.starts_at)
        .join(Meeting, Meeting.id == Participant.meeting_id)
        .where(Meeting.beat_id.in_(beat_ids), Meeting.starts_at <= until, Participant.role == ParticipantRole.RESIDENT,
               Participant.device_hash.is_not(None))
        .distinct().subquery()
    )
    earlier = func.lag(seen.c.meeting_id).over(partition_by=(seen.c.beat_id, seen.c.device_hash),
                                               order_by=(seen.c.starts_at, seen.c.meeting_id))
    ordered = select(seen.c.meeting_id, earlier.label("earlier")).subquery()
    return _grouped(select(ordered.c.meeting_id, func.count()).where(
        ordered.c.earlier.is_not(None), ordered.c.meeting_id.in_(ids)).group_by(ordered.c.meeting_id))


def meeting_attendance(meetings: list[Any], *, scope: Select | None = None) -> dict[int, Attendance]:
    """Attendance for each of `meetings` (any stage), keyed by meeting id (see `meeting_figures`)."""
    return meeting_figures(meetings, scope=scope)[0]


def meeting_figures(meetings: list[Any], *, scope: Select | None = None
                    ) -> tuple[dict[int, Attendance], dict[int, PulseFigures]]:
    """Attendance and pulse counts for each of `meetings` (any stage), keyed by meeting id.

    A closed meeting's figures were written when it closed (`store_figures`, kept current after by
    `refresh_figures` and pulse.keep_pulse); they are read here, a few thousand short rows. Open
    meetings are counted now. A closed meeting without stored figures (closed before they existed,
    or counted by an older FIGURES_VERSION) is counted and stored on the way, as
    `flask evidence-refresh` would."""
    closed = [m for m in meetings if m.stage is Stage.CLOSED]
    atts, pulses = _stored([m.id for m in closed], scope)
    # By beat, so each round's first-timer look-back reads few beats' participants.
    missing = sorted((m for m in closed if m.id not in atts or m.id not in pulses),
                     key=lambda m: (m.beat_id, m.starts_at, m.id))
    for start in range(0, len(missing), CHUNK):
        counted, counted_pulse = store_figures(missing[start:start + CHUNK])
        atts.update(counted)
        pulses.update(counted_pulse)
    still_open = [m for m in meetings if m.stage is not Stage.CLOSED]
    atts.update(count_attendance(still_open))
    pulses.update(pulse_figures([m.id for m in still_open]))
    for meeting in meetings:  # the room raises the peak live, even after counting
        atts[meeting.id].peak_watching = meeting.peak_watching
    return atts, pulses


def _stored(meeting_ids: list[int], scope: Select | None) -> tuple[dict[int, Attendance], dict[int, PulseFigures]]:
    if not meeting_ids:
        return {}, {}
    rows = db.session.execute(select(MeetingFigures.meeting_id, MeetingFigures.data, MeetingFigures.pulse).where(
        MeetingFigures.meeting_id.in_(scope if scope is not None else meeting_ids),
        MeetingFigures.version == FIGURES_VERSION))
    wanted = set(meeting_ids)
    atts, pulses = {}, {}
    for meeting_id, data, pulse in rows:
        if meeting_id in wanted:
            atts[meeting_id] = Attendance(**orjson.loads(data))
            if pulse is not None:
                pulses[meeting_id] = PulseFigures.from_json(pulse)
    return atts, pulses


def store_figures(meetings: list[Any]) -> tuple[dict[int, Attendance], dict[int, PulseFigures]]:
    """Count closed meetings' attendance and pulse and keep them in `meeting_figures`, replacing
    what was kept. Called when a meeting closes (priorities.close_meeting, under the meeting's row
    lock), by `refresh_figures`, and by `flask evidence-refresh`."""
    if not meetings:
        return {}, {}
    figures = count_attendance(meetings)
    pulses = pulse_figures([m.id for m in meetings])
    now = utcnow()
    rows = [{"meeting_id": mid, "version": FIGURES_VERSION, "data": json.dumps(asdict(item)),
             "pulse": pulses[mid].to_json(), "computed_at": now} for mid, item in figures.items()]
    statement = _insert().values(rows)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["meeting_id"],
        set_={name: getattr(statement.excluded, name) for name in ("version", "data", "pulse", "computed_at")}))
    return figures, pulses


def refresh_figures(meeting: Meeting) -> None:
    """A closed meeting's posts changed (a hide, a restore, an approval after the close): count its
    stored figures again, under the same row lock as the close and late pulse answers."""
    lock_meeting(meeting)
    if meeting.stage is Stage.CLOSED:
        store_figures([meeting])


def closed_to_count(*, beat_id: int | None = None, every: bool = False) -> list[list[Any]]:
    """Closed meetings whose stored figures are missing, or counted by an older FIGURES_VERSION (all
    closed meetings with `every`), in rounds of CHUNK ordered by beat and date: `flask
    evidence-refresh` stores each round with `store_figures` and commits it."""
    query = select(Meeting).where(Meeting.stage == Stage.CLOSED)
    if beat_id is not None:
        query = query.where(Meeting.beat_id == beat_id)
    if not every:
        current = select(MeetingFigures.meeting_id).where(MeetingFigures.version == FIGURES_VERSION,
                                                          MeetingFigures.pulse.is_not(None))
        query = query.where(Meeting.id.not_in(current))
    meetings = list(db.session.scalars(query.order_by(Meeting.beat_id, Meeting.starts_at, Meeting.id)))
    return [meetings[start:start + CHUNK] for start in range(0, len(meetings), CHUNK)]


def _insert():
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(MeetingFigures.__table__)


def count_attendance(meetings: list[Meeting]) -> dict[int, Attendance]:
    """Count attendance from the participant, issue and vote rows (see `meeting_attendance`)."""
    if not meetings:
        return {}
    ids = select(Meeting.id).where(Meeting.id.in_([m.id for m in meetings]))
    figures = {m.id: Attendance(m.id, peak_watching=m.peak_watching, in_room=m.room_size or 0) for m in meetings}
    resident = select(Participant.id).where(*_residents(ids))

    joined = _grouped(select(Participant.meeting_id, func.count()).where(*_residents(ids))
                      .group_by(Participant.meeting_id))
    devices = union(
        select(MeetingViewer.meeting_id, MeetingViewer.device_hash).where(MeetingViewer.meeting_id.in_(ids)),
        select(Participant.meeting_id, Participant.device_hash).where(*_residents(ids),
                                                                     Participant.device_hash.is_not(None)),
    ).subquery()
    keyed = _grouped(select(devices.c.meeting_id, func.count()).group_by(devices.c.meeting_id))
    keyless = _grouped(select(Participant.meeting_id, func.count()).where(
        *_residents(ids), Participant.device_hash.is_(None)).group_by(Participant.meeting_id))
    returning = _returning(ids, sorted({m.beat_id for m in meetings}), max(m.starts_at for m in meetings))
    posted = _grouped(select(Issue.meeting_id, func.count(distinct(Issue.participant_id))).where(
        Issue.meeting_id.in_(ids), Issue.participant_id.in_(resident)).group_by(Issue.meeting_id))
    voted = _grouped(select(Issue.meeting_id, func.count(distinct(Vote.participant_id)))
                     .join(Vote, Vote.issue_id == Issue.id)
                     .where(Issue.meeting_id.in_(ids), Vote.participant_id.in_(resident)).group_by(Issue.meeting_id))
    for meeting_id, item in figures.items():
        item.participants = joined.get(meeting_id, 0)
        item.unique_watched = keyed.get(meeting_id, 0) + keyless.get(meeting_id, 0)
        item.returning_participants = returning.get(meeting_id, 0)
        item.first_time_participants = item.participants - item.returning_participants
        item.posted, item.voted = posted.get(meeting_id, 0), voted.get(meeting_id, 0)
    _issue_figures(ids, resident, figures, meetings)
    for column, name in ((Participant.age_band, "age_bands"), (Participant.postcode_district, "districts")):
        for meeting_id, value, n in db.session.execute(
                select(Participant.meeting_id, column, func.count()).where(*_residents(ids), column.is_not(None))
                .group_by(Participant.meeting_id, column)):
            getattr(figures[meeting_id], name)[value] = n
    return figures


def _issue_figures(ids: Select, resident: Select, figures: dict[int, Attendance], meetings: list[Meeting]) -> None:
    """Issues raised (residents' public, unmerged posts), answered, time to answer, holds, hidden."""
    raised = db.session.execute(
        select(Issue.meeting_id, Issue.created_at, Answer.created_at)
        .outerjoin(Answer, Answer.issue_id == Issue.id)
        .where(Issue.meeting_id.in_(ids), Issue.participant_id.in_(resident),
               Issue.visibility == Visibility.PUBLIC, Issue.merged_into_id.is_(None)))
    for meeting_id, posted_at, answered_at in raised:
        item = figures[meeting_id]
        item.issues_raised += 1
        if answered_at is not None:
            item.issues_answered += 1
            item.minutes_to_answer.append(max(0.0, (answered_at - posted_at).total_seconds() / 60))
    meeting_by_id = {m.id: m for m in meetings}
    floor = _grouped(select(Issue.meeting_id, func.count()).where(
        Issue.meeting_id.in_(ids), Issue.raised_in_room.is_(True), Issue.visibility == Visibility.PUBLIC,
        Issue.merged_into_id.is_(None)).group_by(Issue.meeting_id))
    hidden = _grouped(select(Issue.meeting_id, func.count()).where(
        Issue.meeting_id.in_(ids), Issue.visibility == Visibility.HIDDEN).group_by(Issue.meeting_id))
    for meeting_id, item in figures.items():
        # Holds by code come from safeguarding's own count (one query per meeting: closed meetings are
        # counted once, see meeting_attendance).
        item.holds, item.hidden_posts = hold_counts(meeting_by_id[meeting_id]), hidden.get(meeting_id, 0)
        item.issues_raised_in_room = floor.get(meeting_id, 0)


def record_viewer(meeting: Meeting, device_hash: str, *, now: datetime) -> None:
    """Remember that this browser watched the meeting (once per meeting; repeats change nothing).
    Opening a closed meeting's room is reading its outcome, not watching it: not counted (its
    figures were stored at the close)."""
    if meeting.stage is Stage.CLOSED:
        return
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    values = {"meeting_id": meeting.id, "device_hash": device_hash, "first_seen_at": now}
    db.session.execute(insert(MeetingViewer.__table__).values(**values).on_conflict_do_nothing())
