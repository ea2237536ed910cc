"""The plumbing every client command shares: parse → load who is acting → run → commit → broadcast → ack.

Handlers stay thin: they name their payload and return `(ack, sends)`: `sends` are the senders from
`broadcast` (payloads already built), called only once the transaction has committed. A refused
command rolls back and changes nothing.
"""
from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import Any, Callable

from flask import current_app, request, session
from flask_login import current_user
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout  # every pooled connection busy: retryable
from sqlalchemy.orm import joinedload

from pact.extensions import db, socketio
from pact.live import NAMESPACE
from pact.live.payloads import Field, parse
from pact.meetings import audit
from pact.meetings.errors import DomainError
from pact.meetings.permissions import can_moderate, can_see_beat
from pact.models import Meeting, Participant, utcnow

log = logging.getLogger(__name__)

SESSION_PARTICIPANT = "participant_id"
SESSION_MEETING = "meeting_id"

Result = tuple[dict[str, Any], list[Callable[[], None]]]


@dataclass
class Context:
    """Who is acting in which meeting, freshly loaded from the database for this event."""

    meeting: Meeting
    participant: Participant
    sid: str

    @property
    def user(self):
        """The signed-in staff account, re-checked now (a sign-out elsewhere ends it here too)."""
        if self.participant.user_id is None:
            return None
        if not current_user.is_authenticated or current_user.id != self.participant.user_id:
            return None
        return current_user._get_current_object()


def ticker():
    return current_app.extensions["pact_ticker"]


def load_context() -> Context:
    participant_id = session.get(SESSION_PARTICIPANT)
    if participant_id is None:
        raise DomainError("not_joined", "Join the meeting first.")
    # One query for both: every command needs the participant and its meeting.
    participant = db.session.get(Participant, participant_id, options=[joinedload(Participant.meeting)])
    if participant is None:
        raise DomainError("not_joined", "Join the meeting first.")
    if participant.removed:
        raise DomainError("forbidden", "You were removed from this meeting by a moderator.")
    if participant.user_id is not None and not _staff_access_holds(participant):
        # The socket remembers a staff join; the database says the sign-in, role or beat is gone.
        raise DomainError("forbidden", "Your staff sign-in has ended or no longer covers this meeting. "
                                       "Reload the page to continue.")
    return Context(meeting=participant.meeting, participant=participant, sid=request.sid)


def _staff_access_holds(participant: Participant) -> bool:
    if not current_user.is_authenticated or current_user.id != participant.user_id:
        return False
    meeting = participant.meeting
    return can_moderate(current_user, meeting) or can_see_beat(current_user, meeting.beat)


def _audit_refusal(event: str, error: DomainError) -> None:
    """A joined client sent a command it may not: log who tried what (its own small transaction)."""
    participant_id = session.get(SESSION_PARTICIPANT)
    try:
        participant = db.session.get(Participant, participant_id) if participant_id is not None else None
        if participant is None:
            return
        user = current_user._get_current_object() if current_user.is_authenticated else None
        audit.record("refused_command", now=utcnow(), user=user, participant=participant,
                     meeting=participant.meeting, target=event, reason=error.message)
        db.session.commit()
    except Exception:  # the refusal stands even if the log write fails; say so in the server log
        db.session.rollback()
        log.exception("could not audit refused %s", event)


def _failure(error: DomainError) -> dict[str, Any]:
    db.session.rollback()
    return error.as_ack()


def command(event: str, fields: dict[str, Field], *, joined: bool = True):
    """Register a `/meeting` command whose handler returns `(ack, sends)`."""

    def decorate(fn: Callable[..., Result]):
        @functools.wraps(fn)
        def handler(*args: Any) -> dict[str, Any]:
            payload = args[0] if args else None
            try:
                if len(args) > 1:
                    raise DomainError("invalid_payload", "Send one object of named fields.")
                data = parse(payload, fields)
                ctx = load_context() if joined else None
                ack, sends = fn(ctx, data) if joined else fn(data)
                db.session.commit()
            except DomainError as error:
                ack = _failure(error)
                if joined and error.code == "forbidden":
                    _audit_refusal(event, error)
                return ack
            except (OperationalError, DBAPIError, PoolTimeout) as exc:
                db.session.rollback()
                log.warning("database unavailable during %s: %s", event, exc.__class__.__name__)
                return {"ok": False, "error": "unavailable", "retry_after": 1,
                        "message": "The meeting is very busy and could not save that. Please try again in a moment."}
            except Exception:
                db.session.rollback()
                log.exception("command %s failed", event)
                return {"ok": False, "error": "server_error",
                        "message": "Something went wrong on our side; nothing was changed. Please try again."}
            for send in sends:
                send()
            return ack

        socketio.on(event, namespace=NAMESPACE)(handler)
        return handler

    return decorate
