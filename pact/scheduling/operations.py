"""Scheduling a meeting from the web or the command line: create, edit, reschedule, cancel.

The rules: the end comes after the start; a new meeting (or a new start time) is not in the past;
only a scheduled meeting may be rescheduled or cancelled (a live or closed one keeps its time);
cancelling needs a reason residents will read; staff act on their own beats only (admins on any).
Every change is in the audit log with what it was before and after. Services add and flush; the
adapter commits, then tells subscribers (see `hooks`).
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any, TypeVar

from pact.extensions import db
from pact.meetings import audit
from pact.meetings.errors import DomainError, forbidden
from pact.meetings.permissions import can_see_beat
from pact.meetings.text import clean_text
from pact.models import Beat, Meeting, ModerationMode, Stage, User
from pact.scheduling import hooks
from pact.scheduling.streams import check_url

T = TypeVar("T")
MAX_LENGTH = timedelta(hours=12)
_DIAL_IN = re.compile(r"^[0-9+() ,.#*a-zA-Z:-]{6,80}$")
# What may still change once the meeting has opened (its time, votes and mode are then fixed).
OPEN_FIELDS = ("title", "description", "venue", "stream_url", "dial_in")


@dataclass
class MeetingDetails:
    """What staff type, already read: times are aware UTC datetimes (pact.localtime.parse_local)."""

    title: str
    starts_at: datetime
    ends_at: datetime | None = None
    description: str | None = None
    venue: str | None = None
    stream_url: str | None = None
    dial_in: str | None = None
    votes_per_resident: int = 3
    moderation: ModerationMode = ModerationMode.OPEN


def can_schedule(user: User | None, beat: Beat) -> bool:
    """Staff of the beat (officers and inspectors assigned to it) and admins."""
    return can_see_beat(user, beat)


def require_scheduler(user: User | None, beat: Beat) -> None:
    """Refuse anyone who may not schedule `beat`'s meetings (staff of the beat, admins): raises `forbidden`."""
    if not can_schedule(user, beat):
        raise forbidden(f"Only staff of {beat.name} (or an admin) can schedule or change its meetings.")


def _optional(raw: object, *, field: str, max_length: int, multiline: bool = False) -> str | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return clean_text(raw, field=field, max_length=max_length, multiline=multiline)


def _tagged(name: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run one field's check; a refusal names the form field it is about (`extra["field"]`)."""
    try:
        return fn(*args, **kwargs)
    except DomainError as error:
        error.extra.setdefault("field", name)
        raise


def _check_times(details: MeetingDetails) -> None:
    if details.starts_at.tzinfo is None or (details.ends_at is not None and details.ends_at.tzinfo is None):
        raise DomainError("invalid_date", "Meeting times need a time zone.")
    if details.ends_at is not None and details.ends_at <= details.starts_at:
        raise DomainError("ends_before_start", "The meeting must end after it starts. Check the end time.")
    if details.ends_at is not None and details.ends_at - details.starts_at > MAX_LENGTH:
        raise DomainError("too_long", "A meeting can last at most 12 hours. Check the end date.", limit=12)


def _check_votes(votes: object) -> int:
    if not isinstance(votes, int) or isinstance(votes, bool) or not 1 <= votes <= 10:
        raise DomainError("invalid_votes", "Residents get between 1 and 10 priority votes.")
    return votes


def _check_moderation(mode: object) -> ModerationMode:
    if not isinstance(mode, ModerationMode):
        raise DomainError("invalid_moderation", "Moderation is 'open' or 'premoderated'.")
    return mode


def _check_dial_in(raw: object) -> str | None:
    dial_in = _optional(raw, field="dial-in number", max_length=80)
    if dial_in is not None and (not _DIAL_IN.match(dial_in) or sum(c.isdigit() for c in dial_in) < 6):
        raise DomainError("invalid_dial_in", "The dial-in number should be a phone number, e.g. 0330 123 4567, "
                                             "optionally with a PIN (\u201cPIN 1234\u201d).")
    return dial_in


def _check_stream(raw: object) -> str | None:
    stream = _optional(raw, field="stream link", max_length=500)
    return check_url(stream) if stream else None


def clean_details(details: MeetingDetails) -> MeetingDetails:
    """The details as they will be stored, or the first refusal (`empty`, `too_long`, `ends_before_start`…),
    whose `extra["field"]` names the form field."""
    title = _tagged("title", clean_text, details.title, field="title", max_length=200, multiline=False)
    _tagged("ends_at", _check_times, details)
    return MeetingDetails(
        title=title, starts_at=details.starts_at, ends_at=details.ends_at,
        description=_tagged("description", _optional, details.description, field="description", max_length=2000,
                            multiline=True),
        venue=_tagged("venue", _optional, details.venue, field="venue", max_length=200),
        stream_url=_tagged("stream_url", _check_stream, details.stream_url),
        dial_in=_tagged("dial_in", _check_dial_in, details.dial_in),
        votes_per_resident=_tagged("votes_per_resident", _check_votes, details.votes_per_resident),
        moderation=_tagged("moderation", _check_moderation, details.moderation),
    )


def _snapshot(meeting: Meeting) -> dict[str, Any]:
    """The audited view of a meeting's schedule (times in UTC ISO 8601)."""
    out: dict[str, Any] = {}
    for f in fields(MeetingDetails):
        value = getattr(meeting, f.name)
        if isinstance(value, datetime):
            value = value.isoformat(timespec="minutes")
        elif isinstance(value, ModerationMode):
            value = value.value
        out[f.name] = value
    out["stage"] = meeting.stage.value
    return out


def _audit(action: str, meeting: Meeting, *, user: User | None, now: datetime, before: dict | None,
           after: dict | None, note: str | None = None) -> None:
    changed = sorted(k for k in (after or {}) if (before or {}).get(k) != (after or {}).get(k)) if before else None
    body: dict[str, Any] = {"before": before, "after": after}
    if changed is not None:
        body["changed"] = changed
    if note:
        body["reason"] = note
    audit.record(action, now=now, user=user, meeting=meeting, target=f"meeting:{meeting.id}",
                 reason=json.dumps(body, ensure_ascii=False, sort_keys=True))


def create_meeting(beat: Beat, details: MeetingDetails, *, user: User | None, now: datetime,
                   allow_past: bool = False) -> Meeting:
    """A new scheduled meeting of `beat`. `user` None is the command line (an operator on the server).

    Raises `forbidden` (not staff of the beat), `starts_in_past` (unless `allow_past`),
    and as `clean_details`: `empty` / `too_long` / `invalid_characters` (title, description, venue),
    `invalid_date`, `ends_before_start`, `too_long` (over 12 hours), `invalid_url`, `invalid_dial_in`,
    `invalid_votes`, `invalid_moderation`; each with `field`."""
    if user is not None:
        require_scheduler(user, beat)
    clean = clean_details(details)
    if clean.starts_at < now - timedelta(minutes=1) and not allow_past:
        raise DomainError("starts_in_past", "The start time has already passed. Choose a time from now on.",
                          field="starts_at")
    meeting = Meeting(beat=beat, stage=Stage.SCHEDULED, created_at=now, updated_at=now, sequence=0,
                      **{f.name: getattr(clean, f.name) for f in fields(MeetingDetails)})
    db.session.add(meeting)
    db.session.flush()
    _audit("schedule_meeting", meeting, user=user, now=now, before=None, after=_snapshot(meeting))
    return meeting


def update_meeting(meeting: Meeting, details: MeetingDetails, *, user: User | None, now: datetime) -> list[str]:
    """Change a meeting's details; returns the names of the fields that changed ([] when none did).

    A new time on anything but a scheduled meeting is refused `wrong_stage`; so is any change to a
    closed or cancelled one. A new start time must not be in the past (`starts_in_past`). A change of
    time or place raises the calendar SEQUENCE and tells subscribers (`hooks.rescheduled`). Also
    raises `forbidden` (not staff of the beat), and as `clean_details`: `empty` / `too_long` /
    `invalid_characters` (title, description, venue), `invalid_date`, `ends_before_start`, `too_long` (over 12
    hours), `invalid_url`, `invalid_dial_in`, `invalid_votes`, `invalid_moderation`; each with `field`."""
    if user is not None:
        require_scheduler(user, meeting.beat)
    if meeting.stage in (Stage.CLOSED, Stage.CANCELLED):
        raise DomainError("wrong_stage", f"This meeting is {meeting.stage.value}; it can no longer be changed.",
                          stage=meeting.stage.value)
    clean = clean_details(details)
    before = _snapshot(meeting)
    wanted = {f.name: getattr(clean, f.name) for f in fields(MeetingDetails)}
    changed = [name for name, value in wanted.items() if not _same(getattr(meeting, name), value)]
    if not changed:
        return []
    if meeting.stage is not Stage.SCHEDULED:
        fixed = [name for name in changed if name not in OPEN_FIELDS]
        if fixed:
            raise DomainError("wrong_stage", f"This meeting is {meeting.stage.value}: its time, votes and moderation "
                              "mode can no longer be changed (the title, description, venue, stream and dial-in can).",
                              stage=meeting.stage.value)
    if "starts_at" in changed and clean.starts_at < now - timedelta(minutes=1):
        raise DomainError("starts_in_past", "The new start time has already passed. Choose a time from now on.",
                          field="starts_at")
    for name in changed:
        setattr(meeting, name, wanted[name])
    rescheduled = bool({"starts_at", "ends_at", "venue"} & set(changed))
    if rescheduled:
        meeting.sequence = (meeting.sequence or 0) + 1
    meeting.updated_at = now
    db.session.flush()
    _audit("reschedule_meeting" if rescheduled else "edit_meeting", meeting, user=user, now=now, before=before,
           after=_snapshot(meeting))
    if rescheduled:
        hooks.rescheduled(meeting, before=before, now=now)
    return changed


def _same(old: object, new: object) -> bool:
    """Forms carry times to the minute: a stored time with seconds is unchanged if the minute matches."""
    if isinstance(old, datetime) and isinstance(new, datetime):
        return old.replace(second=0, microsecond=0) == new.replace(second=0, microsecond=0)
    return old == new


def cancel_meeting(meeting: Meeting, reason: object, *, user: User | None, now: datetime) -> Meeting:
    """Cancel a scheduled meeting with a reason residents read on the room and beat pages.

    Raises `forbidden` (not staff of the beat), `wrong_stage` (not scheduled), `reason_required`,
    `too_long` / `invalid_characters` for the reason (500 at most)."""
    if user is not None:
        require_scheduler(user, meeting.beat)
    if meeting.stage is not Stage.SCHEDULED:
        raise DomainError("wrong_stage",
                          f"Only a scheduled meeting can be cancelled; this one is {meeting.stage.value}.",
                          stage=meeting.stage.value)
    if reason is None or (isinstance(reason, str) and not reason.strip()):
        raise DomainError("reason_required", "Say why the meeting is cancelled: residents will read it.",
                          field="reason")
    text = _tagged("reason", clean_text, reason, field="reason", max_length=500)
    before = _snapshot(meeting)
    meeting.stage = Stage.CANCELLED
    meeting.cancel_reason = text
    meeting.cancelled_at = meeting.updated_at = now
    meeting.sequence = (meeting.sequence or 0) + 1
    db.session.flush()
    _audit("cancel_meeting", meeting, user=user, now=now, before=before, after=_snapshot(meeting), note=text)
    hooks.cancelled(meeting, now=now)
    return meeting
