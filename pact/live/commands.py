"""The plumbing every client command shares: parse → load who is acting → run → commit → broadcast → ack.

Handlers stay thin: they name their payload and return `(ack, sends)`: `sends` are the senders from
`broadcast` (payloads already built), called only once the transaction has committed. A refused
command rolls back and changes nothing.
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from flask import request, session
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout  # every pooled connection busy: retryable
from sqlalchemy.orm import joinedload

from pact.extensions import db, socketio
from pact.i18n import N_, translate_error
from pact.live import NAMESPACE
from pact.live.payloads import Field, parse
from pact.meetings import audit
from pact.meetings.errors import DomainError
from pact.meetings.permissions import can_moderate, can_see_beat
from pact.models import Meeting, Participant, utcnow
from pact.services import services

log = logging.getLogger(__name__)

SESSION_PARTICIPANT = "participant_id"
SESSION_MEETING = "meeting_id"
SESSION_RESIDENT = "resident"

Result = tuple[dict[str, Any], list[Callable[[], None]]]


class Context:
    """Who is acting in which meeting. The socket's session names them; `participant` and `meeting`
    are loaded fresh from the database (and every check re-run) on first use in this event, so a
    command that needs only the ids (a resident's vote on the hot path) never loads them."""

    def __init__(self, sid: str) -> None:
        self.sid = sid

    @property
    def participant_id(self) -> int:
        """The joined participant's id from the socket's session; raises `not_joined` before a join."""
        participant_id = session.get(SESSION_PARTICIPANT)
        if participant_id is None:
            raise DomainError("not_joined", N_("Join the meeting first."))
        return participant_id

    @property
    def meeting_id(self) -> int:
        """The meeting the socket joined (from the session, or the participant when it is not there)."""
        return self.participant.meeting_id if session.get(SESSION_MEETING) is None else session[SESSION_MEETING]

    @property
    def is_resident(self) -> bool:
        """The socket joined as a resident (staff commands always take the checked path)."""
        return session.get(SESSION_RESIDENT) is True

    @functools.cached_property
    def participant(self) -> Participant:
        """The participant, loaded with its meeting and checked once per event (see `_load_participant`)."""
        return _load_participant(self.participant_id)

    @property
    def meeting(self) -> Meeting:
        """The participant's meeting (loaded with it)."""
        return self.participant.meeting

    @property
    def user(self):
        """The signed-in staff account, re-checked now (a sign-out elsewhere ends it here too)."""
        if self.participant.user_id is None:
            return None
        if not current_user.is_authenticated or current_user.id != self.participant.user_id:
            return None
        return current_user._get_current_object()


def ticker():
    """This app's ticker (coalesced tallies and presence)."""
    return services().ticker


def _load_participant(participant_id: int) -> Participant:
    # One query for both: every command needs the participant and its meeting.
    participant = db.session.get(Participant, participant_id, options=[joinedload(Participant.meeting)])
    if participant is None:
        raise DomainError("not_joined", N_("Join the meeting first."))
    if participant.removed:
        raise DomainError("forbidden", N_("You were removed from this meeting by a moderator."))
    if participant.user_id is not None and not _staff_access_holds(participant):
        # The socket remembers a staff join; the database says the sign-in, role or beat is gone.
        raise DomainError("forbidden", "Your staff sign-in has ended or no longer covers this meeting. "
                                       "Reload the page to continue.")
    return participant


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
    """The refusal's ack, its `message` in the socket's language (the handshake's ?lang, cookie or Accept-Language)."""
    db.session.rollback()
    return {**error.as_ack(), "message": translate_error(error)}


def command(event: str, fields: dict[str, Field], *, joined: bool = True, lazy: bool = False):
    """Register a `/meeting` command whose handler returns `(ack, sends)`.

    Joined commands get a `Context`, loaded and checked before the handler runs unless `lazy` (the
    handler then loads it only if it needs more than the ids). Every command, besides the codes its
    handler's docstring lists, may be refused with: `invalid_payload` (not one object of the named
    fields, of the right types), `not_joined` (a joined command before `join`), `forbidden` (removed
    by a moderator, or a staff sign-in that ended or no longer covers the meeting; audited),
    `unavailable` (the database is busy: nothing was saved, `retry_after` 1) and `server_error`.
    Each handler's docstring says, in this order: `Sender:`, `Payload:`, `Errors:`, `Receives:`
    (tests/test_docstrings.py)."""

    def decorate(fn: Callable[..., Result]):
        @functools.wraps(fn)
        def handler(*args: Any) -> dict[str, Any]:
            payload = args[0] if args else None
            try:
                if len(args) > 1:
                    raise DomainError("invalid_payload", N_("Send one object of named fields."))
                data = parse(payload, fields)
                if joined:
                    ctx = Context(request.sid)
                    if not lazy:
                        ctx.participant  # noqa: B018  (load and check who is acting before anything else)
                    ack, sends = fn(ctx, data)
                else:
                    ack, sends = fn(data)
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
                        "message": gettext("The meeting is very busy and could not save that. "
                                           "Please try again in a moment.")}
            except Exception:
                db.session.rollback()
                log.exception("command %s failed", event)
                return {"ok": False, "error": "server_error",
                        "message": gettext("Something went wrong on our side; nothing was changed. Please try again.")}
            for send in sends:
                send()
            return ack

        socketio.on(event, namespace=NAMESPACE)(handler)
        return handler

    return decorate
