"""After the meeting: officers correct an agreed priority's title, action, owner or review date.

Each changed field is kept as a `PriorityCorrection` (before and after) and written to the audit
log; the priority's `updated_at` says when it last changed, which the summary shows.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pact.extensions import db
from pact.localtime import iso
from pact.meetings import audit
from pact.meetings.errors import DomainError, forbidden
from pact.meetings.permissions import can_moderate
from pact.meetings.priorities import ACTION_LIMIT, parse_owner, parse_review_on, parse_title
from pact.meetings.text import clean_text
from pact.models import Priority, PriorityCorrection, Stage, User

FIELDS = ("title", "action", "owner", "review_on")
LABELS = {"title": "Title", "action": "Action promised", "owner": "Owner", "review_on": "Review by"}


def _current(priority: Priority) -> dict[str, str | None]:
    return {"title": priority.text, "action": priority.action, "owner": priority.owner,
            "review_on": priority.review_on.isoformat() if priority.review_on else None}


def _parse(field: str, raw: object, *, today: date, current: date | None) -> Any:
    if field == "title":
        title = parse_title(raw)
        if title is None:
            raise DomainError("empty", "The priority's title cannot be empty.", field=field)
        return title
    if field == "action":
        return clean_text(raw, field="promised action", max_length=ACTION_LIMIT)
    if field == "owner":
        return parse_owner(raw)
    if raw == (current.isoformat() if current else None) or (raw in (None, "") and current is None):
        return current  # an unchanged past date stays; only a new date must be today or later
    return parse_review_on(raw, today=today)


def correct_priority(priority: Priority, changes: dict[str, object], *, user: User,
                     now: datetime) -> list[PriorityCorrection]:
    """Apply the fields of `changes` that differ; return one correction per changed field.

    Only officers of the beat (and admins) correct, and only once the meeting is closed. Every
    field is checked before any is written. Raises `forbidden`, `wrong_stage`, `invalid_payload`,
    `empty`, `too_long`, `invalid_date` or `unchanged`."""
    if not can_moderate(user, priority.meeting):
        raise forbidden("Only an officer of this beat can correct its priorities.")
    if priority.meeting.stage is not Stage.CLOSED:
        raise DomainError("wrong_stage", "A priority is corrected after its meeting closes; "
                                         "until then, change it in the room.")
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise DomainError("invalid_payload", f"Only {', '.join(FIELDS)} can be corrected, not {sorted(unknown)[0]}.")
    parsed: dict[str, Any] = {}
    for field in FIELDS:
        if field in changes:
            try:
                parsed[field] = _parse(field, changes[field], today=now.date(), current=priority.review_on)
            except DomainError as error:
                extra = {**error.extra, "field": field}
                raise DomainError(error.code, f"{LABELS[field]}: {error.message}", **extra) from None
    before = _current(priority)
    after = dict(before)
    for field, value in parsed.items():
        after[field] = value.isoformat() if isinstance(value, date) else value
    changed = [field for field in FIELDS if before[field] != after[field]]
    if not changed:  # checked before anything is written: a refusal changes nothing
        raise DomainError("unchanged", "Nothing was changed: edit a field before saving.")
    made = []
    for field in changed:
        setattr(priority, "text" if field == "title" else field, parsed[field])
        row = PriorityCorrection(priority=priority, user_id=user.id, by_name=user.display_name[:80], field=field,
                                 before=before[field], after=after[field], created_at=now)
        db.session.add(row)
        made.append(row)
        audit.record("correct_priority", now=now, user=user, meeting=priority.meeting,
                     target=f"priority {priority.id}: {field}",
                     reason=f"before: {before[field] or '(none)'}\nafter: {after[field] or '(none)'}")
    priority.updated_at = now
    db.session.flush()
    return made


def correction_data(row: PriorityCorrection) -> dict[str, Any]:
    """One correction as plain data (the priority page lists them)."""
    return {"field": row.field, "label": LABELS.get(row.field, row.field), "before": row.before, "after": row.after,
            "by": row.by_name, "at": iso(row.created_at)}
