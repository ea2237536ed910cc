"""Who is told when a meeting moves or is cancelled: listeners the notifications package registers.

`on_rescheduled(fn)` and `on_cancelled(fn)` add a listener; the scheduling operations call them
inside the same transaction, after the change is flushed, so a listener that queues e-mails (rows
in the job queue) commits or rolls back with the change itself. A listener must not send anything
itself: delivery is an adapter that runs after commit. With no listener registered nothing happens.

    rescheduled: fn(meeting, before: dict, now: datetime)   # before: the audited details before
    cancelled:   fn(meeting, now: datetime)                  # meeting.cancel_reason says why
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from pact.models import Meeting

_RESCHEDULED: list[Callable[..., Any]] = []
_CANCELLED: list[Callable[..., Any]] = []


def on_rescheduled(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Register `fn(meeting, before=…, now=…)`; usable as a decorator. Registering twice is harmless."""
    if fn not in _RESCHEDULED:
        _RESCHEDULED.append(fn)
    return fn


def on_cancelled(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Register `fn(meeting, now=…)`; usable as a decorator."""
    if fn not in _CANCELLED:
        _CANCELLED.append(fn)
    return fn


def rescheduled(meeting: Meeting, *, before: dict[str, Any], now: datetime) -> None:
    """Tell every registered listener (mail: pact.notifications) that `meeting`'s time or place changed; `before`
    holds the old details."""
    for fn in list(_RESCHEDULED):
        fn(meeting, before=before, now=now)


def cancelled(meeting: Meeting, *, now: datetime) -> None:
    """Tell every registered listener that `meeting` was cancelled."""
    for fn in list(_CANCELLED):
        fn(meeting, now=now)
