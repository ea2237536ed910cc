"""Notifications: who is told what, and when — not how. Subscriptions to a beat (double opt-in),
one-off "tell me when my issue is answered", and the mail events the delivery adapter
(`pact.delivery`) fans out after commit.

The public functions other packages call (each adds a `MailEvent` to the current transaction, or
returns None when there is nothing to tell); the adapter that commits then calls
`pact.delivery.dispatch_soon`, and a periodic sweep catches anything a crash left behind:
- `meeting_live(meeting, now)`, `meeting_closed(meeting, now)`
- `progress_posted(update, now)`
- `meeting_rescheduled(meeting, now, previous_start=…)`, `meeting_cancelled(meeting, now, reason=…)`
- `issue_answered(issue, now)`
"""
from pact.notifications.events import (
    issue_answered,
    meeting_cancelled,
    meeting_closed,
    meeting_live,
    meeting_rescheduled,
    progress_posted,
)

__all__ = ["issue_answered", "meeting_cancelled", "meeting_closed", "meeting_live", "meeting_rescheduled",
           "progress_posted"]
