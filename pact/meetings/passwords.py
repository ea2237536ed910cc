"""Staff passwords from the web: invitations, "forgot password", admin reset links, changing one's own.

A link is one `AccountToken`: it works once, until it expires (an invitation 7 days, a reset 1 hour),
and a newer link of the same kind ends the older one. Setting a password through a link, or
changing it, revokes the account's other sign-ins (the adapter also closes its open sockets).
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from pact.extensions import db
from pact.meetings import accounts, audit
from pact.meetings.errors import DomainError
from pact.models import AccountToken, MailEvent, MailKind, StaffSession, TokenPurpose, User
from pact.notifications import tokens
from pact.notifications.events import add_event

MIN_LENGTH = 12
MAX_LENGTH = 200
LIFETIME = {TokenPurpose.INVITE: timedelta(days=7), TokenPurpose.RESET: timedelta(hours=1)}
KIND = {TokenPurpose.INVITE: MailKind.STAFF_INVITE, TokenPurpose.RESET: MailKind.STAFF_RESET}


def check_new_password(new: object, confirm: object) -> str:
    """The new password when it will do; raises `weak_password` (too short), `too_long`, `password_mismatch`."""
    if not isinstance(new, str) or len(new) < MIN_LENGTH:
        raise DomainError("weak_password", f"Choose a password of at least {MIN_LENGTH} characters "
                                           "(a few unrelated words are easy to remember).")
    if len(new) > MAX_LENGTH:
        raise DomainError("too_long", f"A password can be at most {MAX_LENGTH} characters.")
    if new != confirm:
        raise DomainError("password_mismatch", "The two passwords are not the same.")
    return new


def issue_token(user: User, purpose: TokenPurpose, *, now: datetime) -> tuple[AccountToken, MailEvent]:
    """A new one-time link for the account (older unused ones of this kind stop working) and the
    event that e-mails it."""
    db.session.execute(update(AccountToken).where(AccountToken.user_id == user.id, AccountToken.purpose == purpose,
                                                  AccountToken.used_at.is_(None)).values(used_at=now))
    token = AccountToken(user_id=user.id, purpose=purpose, nonce=tokens.new_nonce(), created_at=now,
                         expires_at=now + LIFETIME[purpose])
    db.session.add(token)
    db.session.flush()
    event = add_event(f"{purpose.value}:{token.id}", KIND[purpose], now=now, ref_id=token.id)
    assert event is not None  # the key names a token created just now, so it cannot be recorded yet
    return token, event


def token_link(token: AccountToken) -> str:
    """The signed link token for an account token row (set-password or reset link)."""
    return tokens.sign(f"account-{token.purpose.value}", token.id, token.nonce)


def find_token(raw: object, *, now: datetime) -> AccountToken:
    """The account link named by `raw`, if it is still good.

    Raises `invalid_link` (malformed, unknown, wrong signature, or used) or `link_expired`."""
    token = db.session.get(AccountToken, tokens.token_id(raw))
    if token is None:
        raise tokens.invalid_link()
    tokens.verify(str(raw), f"account-{token.purpose.value}", token.id, token.nonce)
    if token.used_at is not None or not token.user.active:
        raise tokens.invalid_link()
    if token.expires_at <= now:
        raise DomainError("link_expired", "This link has expired. Ask for a new one from the sign-in page "
                                          "(Forgot your password?) or from an admin.")
    return token


def _end_sessions(user: User, *, now: datetime, keep_hash: str | None = None) -> None:
    query = update(StaffSession).where(StaffSession.user_id == user.id, StaffSession.revoked_at.is_(None))
    if keep_hash is not None:
        query = query.where(StaffSession.token_hash != keep_hash)
    db.session.execute(query.values(revoked_at=now))


def set_password_with_link(raw: object, new: object, confirm: object, *, now: datetime) -> User:
    """Follow an invitation or reset link: the password is set, the link spent, every sign-in ended.

    Raises `invalid_link` / `link_expired` (as `find_token`), and as `check_new_password`."""
    token = find_token(raw, now=now)
    password = check_new_password(new, confirm)
    user = token.user
    user.set_password(password)
    token.used_at = now
    _end_sessions(user, now=now)
    audit.record("accept_invitation" if token.purpose is TokenPurpose.INVITE else "reset_password", now=now,
                 user=user, target=f"user:{user.id}")
    db.session.flush()
    return user


def change_password(user: User, current: object, new: object, confirm: object, *, now: datetime,
                    keep_session_hash: str | None) -> None:
    """A signed-in member of staff changes their own password; their other sign-ins end.

    Raises `wrong_password` (the current one), `same_password`, and as `check_new_password`."""
    if not isinstance(current, str) or not user.check_password(current):
        raise DomainError("wrong_password", "Your current password is not right.")
    password = check_new_password(new, confirm)
    if user.check_password(password):
        raise DomainError("same_password", "Choose a password different from the current one.")
    user.set_password(password)
    _end_sessions(user, now=now, keep_hash=keep_session_hash)
    audit.record("change_password", now=now, user=user, target=f"user:{user.id}")
    db.session.flush()


def request_reset(raw_email: object, *, now: datetime) -> MailEvent | None:
    """"Forgot password": a reset link to the address if it is an active account's (else nothing:
    the adapter answers the same either way)."""
    email = raw_email.strip().lower() if isinstance(raw_email, str) else ""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email)) if email else None
    if user is None or not user.active:
        return None
    return issue_token(user, TokenPurpose.RESET, now=now)[1]


def admin_reset_link(admin: User, target: User, *, now: datetime) -> AccountToken:
    """An admin issues a reset link for an account: shown once to the admin and e-mailed.

    Raises `forbidden` (not an admin), `invalid_target` (a deactivated account)."""
    accounts.require_admin(admin)
    if not target.active:
        raise DomainError("invalid_target", "Reactivate the account before resetting its password.")
    token, _ = issue_token(target, TokenPurpose.RESET, now=now)
    audit.record("issue_reset_link", now=now, user=admin, target=f"user:{target.id} {target.email}")
    return token


def invite_staff(admin: User, email: str, *, role: str, display_name: str | None, beat_slugs: list[str],
                 now: datetime) -> tuple[User, AccountToken]:
    """An admin creates an account without typing a password; the person is e-mailed a link to set one.

    Raises as `accounts.create_staff`: `forbidden`, `invalid_email`, `invalid_role`, `duplicate`, `not_found`."""
    user = accounts.create_staff(admin, email, role=role, password=secrets.token_urlsafe(32),
                                 display_name=display_name, beat_slugs=beat_slugs, now=now)
    user.password_hash = "!invited"  # no password matches until the invitation is accepted
    token, _ = issue_token(user, TokenPurpose.INVITE, now=now)
    return user, token


