"""Joining a meeting: residents by display name, staff by their account; resuming by token."""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, insert, or_, select

from pact.extensions import db
from pact.meetings.errors import DomainError, forbidden, worded
from pact.meetings.lookup import find
from pact.meetings.names import check_resident_name
from pact.meetings.permissions import can_moderate, can_see_beat
from pact.meetings.text import LIMITS, clean_text
from pact.models import Meeting, Participant, ParticipantRole, Role, Stage, User
from pact.wording import N_

NAME_LIMIT = LIMITS["name"]


def hash_secret(secret: str) -> str:
    """SHA-256 hex of a token (resume tokens, staff sessions, device cookies): only hashes are stored."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def get_meeting(meeting_id: object) -> Meeting:
    """The meeting `meeting_id` names; raises `invalid_payload` (not a whole number) or `not_found`."""
    return find(Meeting, meeting_id, field="meeting_id", what=N_("meeting"))


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, hash_secret(token)


def _check_device(meeting: Meeting, device_hash: str | None, address_hash: str | None = None,
                  now: datetime | None = None) -> None:
    """A resident removed from this meeting cannot come back from the same browser, nor (when the
    moderator said so) from the same address until the ban ends."""
    banned = _banned(meeting.id, device_hash, address_hash, now)
    if banned:
        raise forbidden(N_("You were removed from this meeting by a moderator and cannot rejoin it."))


def _banned(meeting_id: int, device_hash: str | None, address_hash: str | None, now: datetime | None) -> bool:
    conditions = []
    if device_hash is not None:
        conditions.append(Participant.device_hash == device_hash)
    if address_hash is not None and now is not None:
        conditions.append((Participant.address_hash == address_hash) & (Participant.address_banned_until > now))
    if not conditions:
        return False
    return db.session.scalar(
        select(Participant.id).where(Participant.meeting_id == meeting_id, Participant.removed.is_(True),
                                     or_(*conditions)).limit(1)
    ) is not None


def _muted_devices(meeting_ids: set[int], devices: set[str]) -> set[tuple[int, str]]:
    """(meeting, device) pairs where a resident of that browser is muted: a new name stays muted."""
    if not devices:
        return set()
    return {(int(row[0]), str(row[1])) for row in db.session.execute(
        select(Participant.meeting_id, Participant.device_hash).where(
            Participant.meeting_id.in_(meeting_ids), Participant.device_hash.in_(devices),
            Participant.muted.is_(True), Participant.removed.is_(False))
    )}


@dataclass(frozen=True)
class Newcomer:
    """A resident joining by name, checked and ready to insert."""

    meeting_id: int
    display_name: str
    token_hash: str
    device_hash: str | None = None
    address_hash: str | None = None
    postcode_district: str | None = None  # optional, anonymous (pact/evidence/demographics.py)
    age_band: str | None = None


def newcomer(meeting_id: int, display_name: object, *, device_hash: str | None = None,
             address_hash: str | None = None, postcode_district: str | None = None,
             age_band: str | None = None) -> tuple[Newcomer, str]:
    """Check the name and issue a resume token; returns the newcomer and the token (shown once).

    Raises `empty`, `too_long`, `invalid_characters` or `reserved_name` for the name."""
    name = check_resident_name(clean_text(display_name, field="display name", max_length=NAME_LIMIT, multiline=False))
    token, token_hash = _new_token()
    return Newcomer(meeting_id, name, token_hash, device_hash, address_hash, postcode_district, age_band), token


def admit_newcomers(newcomers: Sequence[Newcomer], *, now: datetime, muted_ok: bool = False) -> list[int | None]:
    """Residents joining by name, many at once (see pact/live/group_commit.py): one read of their
    meetings, which also holds off a close until this commits, one read of banned browsers and
    addresses, and one insert. Returns each newcomer's participant id, or None where `join_resident`
    must say why not (no such meeting, the meeting has closed, this browser or address was removed
    from it) or, unless `muted_ok`, where the browser was muted (`join_resident` then admits it muted)."""
    meeting_ids = {n.meeting_id for n in newcomers}
    open_ids = set(db.session.scalars(
        select(Meeting.id).where(Meeting.id.in_(meeting_ids), Meeting.stage.not_in([Stage.CLOSED, Stage.CANCELLED]))
        .with_for_update(read=True)
    ))
    devices = {n.device_hash for n in newcomers if n.device_hash is not None and n.meeting_id in open_ids}
    addresses = {n.address_hash for n in newcomers if n.address_hash is not None and n.meeting_id in open_ids}
    banned: set[tuple[int, str]] = set()
    if open_ids and (devices or addresses):
        for meeting_id, device, address, until in db.session.execute(
            select(Participant.meeting_id, Participant.device_hash, Participant.address_hash,
                   Participant.address_banned_until).where(
                Participant.meeting_id.in_(open_ids), Participant.removed.is_(True),
                or_(Participant.device_hash.in_(devices),
                    Participant.address_hash.in_(addresses) & (Participant.address_banned_until > now)))
        ):
            if device is not None:
                banned.add((meeting_id, f"device:{device}"))
            if address is not None and until is not None and until > now:
                banned.add((meeting_id, f"address:{address}"))
    muted = _muted_devices(open_ids, devices) if open_ids else set()
    admitted = [n for n in newcomers if n.meeting_id in open_ids
                and (n.meeting_id, f"device:{n.device_hash}") not in banned
                and (n.meeting_id, f"address:{n.address_hash}") not in banned
                and (muted_ok or (n.meeting_id, n.device_hash) not in muted)]
    ids: dict[str, int] = {}
    if admitted:
        table = Participant.__table__
        assert isinstance(table, Table)  # for the type checker: a mapped class's table is a Table
        rows = db.session.execute(  # one statement compiled once, rows sent as one multi-row INSERT
            insert(table).returning(table.c.id, table.c.token_hash),
            [{"meeting_id": n.meeting_id, "display_name": n.display_name, "role": ParticipantRole.RESIDENT,
              "token_hash": n.token_hash, "device_hash": n.device_hash, "address_hash": n.address_hash,
              "muted": (n.meeting_id, n.device_hash) in muted, "removed": False, "joins": 1, "created_at": now,
              "last_seen_at": now, "postcode_district": n.postcode_district, "age_band": n.age_band}
             for n in admitted],
        )
        ids = {token_hash: participant_id for participant_id, token_hash in rows}
    return [ids.get(n.token_hash) for n in newcomers]


def join_resident(
    meeting: Meeting, display_name: object, *, now: datetime, device_hash: str | None = None,
    address_hash: str | None = None, about: dict[str, str | None] | None = None,
) -> tuple[Participant, str]:
    """Create a resident participant; returns it with its resume token (shown to the client once).

    `about` carries the optional, already checked postcode district and age band. Raises
    `wrong_stage` (closed or cancelled), `forbidden` (this browser or address was removed), and for
    the name `empty`, `too_long`, `invalid_characters`, `reserved_name`."""
    if meeting.stage is Stage.CANCELLED:
        raise worded("wrong_stage", N_("This meeting was cancelled: %(reason)s"), {"reason": meeting.cancel_reason},
                     stage="cancelled")
    if meeting.stage is Stage.CLOSED:
        raise DomainError("wrong_stage", N_("This meeting has closed. Its summary is on the beat page."),
                          stage="closed")
    joining, token = newcomer(meeting.id, display_name, device_hash=device_hash, address_hash=address_hash,
                              **(about or {}))
    _check_device(meeting, device_hash, address_hash, now)
    (participant_id,) = admit_newcomers([joining], now=now, muted_ok=True)
    if participant_id is None:  # closed since it was read
        raise DomainError("wrong_stage", N_("This meeting has closed. Its summary is on the beat page."),
                          stage="closed")
    return db.session.get_one(Participant, participant_id), token


def resume_participant(meeting: Meeting, token: object, *, now: datetime) -> tuple[Participant, str]:
    """Restore the participant a resume token was issued for, with its votes and posts.

    Raises `invalid_payload` (not text), `invalid_token` (unknown here, or a staff participant's token
    without that sign-in), `forbidden` (removed by a moderator)."""
    if not isinstance(token, str) or not 10 <= len(token) <= 200:
        raise DomainError("invalid_payload", N_("resume_token must be the text the server gave you."))
    participant = db.session.scalar(select(Participant).where(Participant.token_hash == hash_secret(token)))
    if participant is None or participant.meeting_id != meeting.id:
        raise DomainError("invalid_token", N_("That resume token is not valid for this meeting. Join again with your name."))
    if participant.user_id is not None:
        # A staff participant comes back only through its sign-in (`admit` → `join_staff`); its token
        # alone, on a socket without that sign-in, must never open the staff room (issue #11, H2).
        raise DomainError("invalid_token", N_("That resume token belongs to a staff sign-in, which this connection "
                                              "does not have. Sign in as staff, or join with a display name."))
    if participant.removed:
        raise forbidden(N_("You were removed from this meeting by a moderator and cannot rejoin it."))
    participant.joins += 1
    participant.last_seen_at = now
    return participant, token


def join_staff(meeting: Meeting, user: User, *, now: datetime) -> tuple[Participant, str]:
    """The staff member's one participant in this meeting (created on first join); raises `forbidden` (not on this
    beat)."""
    if not (can_moderate(user, meeting) or can_see_beat(user, meeting.beat)):
        raise forbidden("Your account is not assigned to this beat.")
    role = {
        Role.OFFICER: ParticipantRole.OFFICER,
        Role.INSPECTOR: ParticipantRole.INSPECTOR,
        Role.ADMIN: ParticipantRole.ADMIN,
    }[user.role]
    token, token_hash = _new_token()
    participant = db.session.scalar(
        select(Participant).where(Participant.meeting_id == meeting.id, Participant.user_id == user.id)
    )
    if participant is None:
        participant = Participant(
            meeting=meeting, user=user, display_name=user.display_name, role=role,
            token_hash=token_hash, created_at=now, last_seen_at=now,
        )
        db.session.add(participant)
    else:
        # Staff resume by their sign-in, not a token; refresh name and role from the account.
        participant.display_name, participant.role, participant.token_hash = user.display_name, role, token_hash
        participant.joins += 1
        participant.last_seen_at = now
    db.session.flush()
    return participant, token


def end_staff_tokens(user_id: int) -> int:
    """Replace the resume tokens of every staff participant of this account (sign-out, deactivation,
    lost access), so no token handed out before works again. Returns how many were replaced."""
    participants = db.session.scalars(select(Participant).where(Participant.user_id == user_id)).all()
    for participant in participants:
        participant.token_hash = _new_token()[1]
    return len(participants)


def require_active(participant: Participant, *, doing: str) -> None:
    """Muted residents can watch but not post or vote; removed ones can do nothing.

    Raises `forbidden` (removed) or `muted` (the message names what they tried: `doing`)."""
    if participant.removed:
        raise forbidden(N_("You were removed from this meeting by a moderator."))
    if participant.muted:
        raise worded("muted", N_("A moderator has muted you in this meeting, so you cannot %(doing)s. You can still watch."),
                     {"doing": doing})


def admit(
    meeting: Meeting, *, user: User | None, display_name: object = None, resume_token: object = None,
    now: datetime, device_hash: str | None = None, address_hash: str | None = None,
    about: dict[str, str | None] | None = None,
) -> tuple[Participant, str]:
    """Decide who is joining: staff of this beat by their sign-in, else a resident by token or name.

    Raises `invalid_payload` (neither a name nor a token), `forbidden` (staff of another beat without
    a name), and whatever `resume_participant` or `join_resident` raise."""
    if user is not None and getattr(user, "is_authenticated", False) and (
        can_moderate(user, meeting) or can_see_beat(user, meeting.beat)
    ):
        return join_staff(meeting, user, now=now)
    if resume_token is not None:
        return resume_participant(meeting, resume_token, now=now)
    if display_name is not None:
        return join_resident(meeting, display_name, now=now, device_hash=device_hash, address_hash=address_hash,
                             about=about)
    if user is not None and getattr(user, "is_authenticated", False):
        raise forbidden("Your account is not assigned to this beat. Give a display name to watch as a resident.")
    raise DomainError("invalid_payload", N_("To join, give a display_name (or the resume_token you were given)."))
