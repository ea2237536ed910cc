"""The append-only audit log: every staff action and every refused forged command.

Only `record` writes here; nothing in the app updates or deletes an entry.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from pact.extensions import db
from pact.localtime import iso
from pact.models import AuditEntry, Meeting, Participant, User


def record(
    action: str, *, now: datetime, user: User | None = None, participant: Participant | None = None,
    meeting: Meeting | None = None, beat_id: int | None = None, target: str | None = None, reason: str | None = None,
    hold: str | None = None,
) -> AuditEntry:
    """Add one entry: who (account and/or participant, with role), what, target, why, when."""
    if user is not None:
        name, role = f"{user.display_name} <{user.email}>", user.role.value
    elif participant is not None:
        name, role = participant.display_name, participant.role.value
    else:
        name, role = "anonymous", "none"
    entry = AuditEntry(
        meeting_id=meeting.id if meeting else None,
        beat_id=beat_id if beat_id is not None else (meeting.beat_id if meeting else None),
        actor_user_id=user.id if user else None,
        actor_participant_id=participant.id if participant else None,
        actor_name=name[:120], actor_role=role, action=action[:40], target=target[:120] if target else None,
        reason=reason, hold_code=hold, created_at=now,
    )
    db.session.add(entry)
    return entry


def entries_for(meeting: Meeting) -> list[AuditEntry]:
    """The meeting's log, oldest first: what inspectors read and download."""
    return list(db.session.scalars(
        select(AuditEntry).where(AuditEntry.meeting_id == meeting.id).order_by(AuditEntry.created_at, AuditEntry.id)
    ))


COLUMNS = ("when", "who", "role", "action", "target", "reason", "hold")


def rows_for(meeting: Meeting) -> list[dict[str, str]]:
    """The log as plain rows (data first; the adapter picks the format)."""
    return [
        {"when": iso(e.created_at) or "", "who": e.actor_name,
         "role": e.actor_role, "action": e.action, "target": e.target or "", "reason": e.reason or "",
         "hold": e.hold_code or ""}
        for e in entries_for(meeting)
    ]
