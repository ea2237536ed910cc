"""Notifications: who is told what, and when — not how. Subscriptions to a beat (double opt-in),
one-off "tell me when my issue is answered", and the mail events the delivery adapter
(`pact.delivery`) fans out after commit.

Scheduling's hooks (`pact.scheduling.hooks`) call `meeting_rescheduled`/`meeting_cancelled` in the
transaction that moves or cancels a meeting; the officer views then call `dispatch_soon`.

The public functions other packages call (each adds a `MailEvent` to the current transaction, or
returns None when there is nothing to tell); the adapter that commits then calls
`pact.delivery.dispatch_soon`, and a periodic sweep catches anything a crash left behind:
- `meeting_live(meeting, now)`, `meeting_closed(meeting, now)`
- `progress_posted(update, now)`
- `meeting_rescheduled(meeting, now, previous_start=…)`, `meeting_cancelled(meeting, now, reason=…)`
- `issue_answered(issue, now)`
"""
from datetime import datetime

from pact.localtime import from_iso
from pact.models import Meeting
from pact.notifications.events import (
    issue_answered,
    meeting_cancelled,
    meeting_closed,
    meeting_live,
    meeting_rescheduled,
    progress_posted,
)
from pact.scheduling import hooks  # scheduling tells us when a meeting moves or is cancelled


def _previous_start(before: dict) -> datetime | None:
    raw = before.get("starts_at") if before else None
    return from_iso(raw) if isinstance(raw, str) else raw


@hooks.on_rescheduled
def _tell_rescheduled(meeting: Meeting, *, before: dict, now: datetime) -> None:
    meeting_rescheduled(meeting, now, previous_start=_previous_start(before))


@hooks.on_cancelled
def _tell_cancelled(meeting: Meeting, *, now: datetime) -> None:
    meeting_cancelled(meeting, now, reason=getattr(meeting, "cancel_reason", None))


__all__ = ["issue_answered", "meeting_cancelled", "meeting_closed", "meeting_live", "meeting_rescheduled",
           "progress_posted"]
