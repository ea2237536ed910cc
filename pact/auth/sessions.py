"""Staff sign-ins on the server: opened at sign-in, checked on every request and live event,
ended by sign-out, deactivation, an idle timeout or their absolute lifetime.

The browser holds only a random token (in the signed session cookie); the database holds its hash,
so a copied cookie stops working the moment the sign-in ends.
"""
from __future__ import annotations

import functools
import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from werkzeug.security import check_password_hash, generate_password_hash

from pact.extensions import db
from pact.meetings.participants import hash_secret
from pact.models import StaffSession, User

TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often (not on every event)


@functools.cache
def _dummy_hash() -> str:
    """A hash with the same cost as real ones, checked when no active account has that e-mail, so
    the answer takes as long either way and timing does not tell which staff e-mails exist."""
    return generate_password_hash(secrets.token_urlsafe(16))


def check_credentials(user: User | None, password: str) -> bool:
    """Whether `password` signs `user` in; as slow for an unknown or deactivated account as for a real one."""
    if user is None or not user.active:
        check_password_hash(_dummy_hash(), password)
        return False
    return user.check_password(password)


def open_session(user: User, *, now: datetime) -> tuple[StaffSession, str]:
    """A new sign-in; returns the row (added, not committed) and the token for the cookie."""
    token = secrets.token_urlsafe(32)
    row = StaffSession(user=user, token_hash=hash_secret(token), created_at=now, last_seen_at=now)
    return row, token


def is_current(row: StaffSession, *, now: datetime, idle: timedelta, lifetime: timedelta) -> bool:
    """Not revoked, used within `idle`, and younger than `lifetime`."""
    if row.revoked_at is not None:
        return False
    last_seen = row.last_seen_at or row.created_at
    return now - last_seen < idle and now - row.created_at < lifetime


def touch_session(row: StaffSession, *, now: datetime) -> None:
    """Note that the sign-in was used now (at most once a minute: a write per live event is waste)."""
    if row.last_seen_at is None or now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now


def revoke_sessions(user_id: int, *, now: datetime) -> None:
    """End every sign-in of the account ("sign out everywhere"; also for a password change or reset)."""
    db.session.execute(
        update(StaffSession).where(StaffSession.user_id == user_id, StaffSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
