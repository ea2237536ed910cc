"""What happened that people asked to hear about: one `MailEvent` per happening, keyed so that
the same happening is never announced twice (a second close, a reminder planned by two workers).

Each function only adds rows to the caller's transaction; the adapter that commits sends after it.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from pact.extensions import db
from pact.meetings.errors import DomainError, forbidden
from pact.models import AnswerWatch, Issue, MailEvent, MailKind, Meeting, Participant, ProgressUpdate, Stage
from pact.notifications import tokens
from pact.wording import N_


def add_event(key: str, kind: MailKind, *, now: datetime, beat_id: int | None = None, meeting_id: int | None = None,
              ref_id: int | None = None, note: str | None = None) -> MailEvent | None:
    """Record one happening to tell people about; None when it was already recorded."""
    if db.session.scalar(select(MailEvent.id).where(MailEvent.key == key)) is not None:
        return None
    event = MailEvent(key=key, kind=kind, beat_id=beat_id, meeting_id=meeting_id, ref_id=ref_id, note=note,
                      created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(event)
    except IntegrityError:  # another process recorded it at the same moment
        return None
    return event


def _for_meeting(meeting: Meeting, key: str, kind: MailKind, now: datetime, note: str | None = None):
    return add_event(key, kind, now=now, beat_id=meeting.beat_id, meeting_id=meeting.id, note=note)


def meeting_live(meeting: Meeting, now: datetime) -> MailEvent | None:
    """The meeting went live: tell the beat's reminder subscribers "it's on now"."""
    return _for_meeting(meeting, f"live:{meeting.id}", MailKind.LIVE, now)


def meeting_closed(meeting: Meeting, now: datetime) -> MailEvent | None:
    """The meeting closed: send its summary (agreed priorities, actions, owners, review dates)."""
    return _for_meeting(meeting, f"summary:{meeting.id}", MailKind.SUMMARY, now)


def progress_posted(update: ProgressUpdate, now: datetime) -> MailEvent | None:
    """An officer posted progress on one of the beat's priorities."""
    meeting = update.priority.meeting
    return add_event(f"progress:{update.id}", MailKind.PROGRESS, now=now, beat_id=meeting.beat_id,
                     meeting_id=meeting.id, ref_id=update.id)


def meeting_rescheduled(meeting: Meeting, now: datetime, *, previous_start: datetime | None = None) -> MailEvent | None:
    """The meeting moved: tell subscribers the new time (reminders follow the new time by themselves)."""
    note = previous_start.isoformat() if previous_start else None
    return _for_meeting(meeting, f"rescheduled:{meeting.id}:{int(meeting.starts_at.timestamp())}",
                        MailKind.RESCHEDULED, now, note)


def meeting_cancelled(meeting: Meeting, now: datetime, *, reason: str | None = None) -> MailEvent | None:
    """The meeting is cancelled: tell subscribers, with the reason residents are shown."""
    return _for_meeting(meeting, f"cancelled:{meeting.id}", MailKind.CANCELLED, now, reason)


def issue_answered(issue: Issue, now: datetime) -> MailEvent | None:
    """An officer answered an issue whose author asked to be told (only then is there an event)."""
    if db.session.scalar(select(AnswerWatch.id).where(AnswerWatch.issue_id == issue.id).limit(1)) is None:
        return None
    return add_event(f"answered:{issue.id}", MailKind.ANSWERED, now=now, beat_id=issue.meeting.beat_id,
                     meeting_id=issue.meeting_id, ref_id=issue.id)


def watch_answer(issue: Issue, participant: Participant, raw_email: object, *, now: datetime,
                 language: str = "en") -> AnswerWatch:
    """The author of an issue asks for one e-mail when it is answered, and nothing else, in `language`.

    Raises `forbidden` (not the issue's author), `wrong_stage` (the meeting closed), `empty` /
    `invalid_email` for the address. Asking again with the same address changes nothing."""
    if issue.participant_id != participant.id:
        raise forbidden(N_("Only the resident who raised an issue can ask to be told when it is answered."))
    if issue.meeting.stage is Stage.CLOSED:
        raise DomainError("wrong_stage", N_("This meeting has closed; its summary is on the beat's page."))
    email = tokens.normalise_email(raw_email)
    digest = tokens.address_hash(email)
    watch = db.session.scalar(select(AnswerWatch).where(AnswerWatch.issue_id == issue.id,
                                                        AnswerWatch.address_hash == digest))
    if watch is None:
        watch = AnswerWatch(issue_id=issue.id, email=email, address_hash=digest, created_at=now)
        db.session.add(watch)
    watch.language = language
    db.session.flush()
    return watch


def reminder_hours(raw: object) -> list[float]:
    """`PACT_REMINDER_HOURS` ("24,1", fractions allowed) as hours, largest first."""
    parts = raw if isinstance(raw, (list, tuple)) else str(raw or "").split(",")
    hours = []
    for part in parts:
        try:
            value = float(part)
        except (TypeError, ValueError):
            raise ValueError(f"PACT_REMINDER_HOURS: {part!r} is not a number of hours") from None
        if value <= 0:
            raise ValueError("PACT_REMINDER_HOURS: hours must be more than 0")
        hours.append(value)
    return sorted(set(hours), reverse=True)


def due_reminders(now: datetime, hours: list[float]) -> list[MailEvent]:
    """Reminders whose moment has come: for each scheduled meeting, the one window `now` is in
    (between `h` hours before the start and the next smaller window). A meeting that moves gets
    its reminders again for the new time; a window missed while nothing ran is not sent late
    once a later window has begun."""
    if not hours:
        return []
    upcoming = db.session.scalars(select(Meeting).where(
        Meeting.stage == Stage.SCHEDULED, Meeting.starts_at > now,
        Meeting.starts_at <= now + timedelta(hours=max(hours))))
    events = []
    for meeting in upcoming:
        left = (meeting.starts_at - now).total_seconds() / 3600
        window = min(h for h in hours if h >= left)
        key = f"reminder:{meeting.id}:{window:g}:{int(meeting.starts_at.timestamp())}"
        event = _for_meeting(meeting, key, MailKind.REMINDER, now, note=f"{window:g}")
        if event is not None:
            events.append(event)
    return events
