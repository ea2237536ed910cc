"""What admins change about staff accounts: role, beats, active. Every change is audited.

A change that narrows someone's access also ends their open connections (the adapter pushes that
after commit); deactivating an account revokes its sign-ins on the server.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from pact.extensions import db
from pact.meetings import audit, directory
from pact.meetings.errors import DomainError, forbidden, not_found
from pact.meetings.lookup import find
from pact.meetings.participants import end_staff_tokens
from pact.models import Beat, Role, StaffSession, User


def require_admin(user: User | None) -> None:
    """Refuse anyone but a signed-in, active admin: raises `forbidden`."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.active or user.role is not Role.ADMIN:
        raise forbidden("Only an admin can manage beats and staff.")


def get_user(user_id: object) -> User:
    """The staff account `user_id` names; raises `invalid_payload` (not a whole number) or `not_found`."""
    return find(User, user_id, field="user_id", what="staff account")


def _not_self(admin: User, target: User, doing: str) -> None:
    # An admin locking themselves out would leave the force with no way back in but the command line.
    if admin.id == target.id:
        raise DomainError("invalid_target", f"You cannot {doing} your own account. Ask another admin.")


def create_beat(admin: User, slug: str, name: str, *, now: datetime) -> Beat:
    """An admin creates a beat (audited `create_beat`).

    Raises `forbidden` (not an admin), and as `directory.create_beat`: `invalid_slug`, `duplicate`,
    `empty`/`too_long` for the name."""
    require_admin(admin)
    beat = directory.create_beat(slug, name)
    audit.record("create_beat", now=now, user=admin, beat_id=beat.id, target=f"beat:{beat.slug}", reason=beat.name)
    return beat


def create_staff(admin: User, email: str, *, role: str, password: str, display_name: str | None,
                 beat_slugs: list[str], now: datetime) -> User:
    """An admin creates a staff account on the given beats (audited `create_user`).

    Raises `forbidden` (not an admin), and as `directory.create_user`: `invalid_email`, `invalid_role`,
    `weak_password`, `duplicate`, `not_found` (a beat slug)."""
    require_admin(admin)
    user = directory.create_user(email, role=role, password=password, display_name=display_name,
                                 beat_slugs=beat_slugs)
    audit.record("create_user", now=now, user=admin, target=f"user:{user.id} {user.email}",
                 reason=f"role {user.role.value}; beats {', '.join(b.slug for b in user.beats) or 'none'}")
    return user


def change_role(admin: User, target: User, raw_role: str, *, now: datetime) -> bool:
    """An admin changes an account's role. Returns whether it changed (the adapter then ends
    the account's open connections).

    Raises `forbidden` (not an admin), `invalid_target` (their own account), `invalid_role`."""
    require_admin(admin)
    role = directory.parse_role(raw_role)
    if target.role is role:
        return False
    _not_self(admin, target, "change the role of")
    before, target.role = target.role, role
    end_staff_tokens(target.id)
    audit.record("change_role", now=now, user=admin, target=f"user:{target.id} {target.email}",
                 reason=f"{before.value} → {role.value}")
    db.session.flush()
    return True


def assign_beats(admin: User, target: User, beat_ids: list[int], *, now: datetime) -> bool:
    """Set exactly which beats the account works on. Returns whether any beat was taken away.

    Raises `forbidden` (not an admin), `not_found` (a beat id that does not exist)."""
    require_admin(admin)
    beats = list(db.session.scalars(select(Beat).where(Beat.id.in_(beat_ids)))) if beat_ids else []
    if len(beats) != len(set(beat_ids)):
        raise not_found("beat")
    before, after = {b.slug for b in target.beats}, {b.slug for b in beats}
    if before == after:
        return False
    target.beats = sorted(beats, key=lambda b: b.name)
    if before - after:
        end_staff_tokens(target.id)
    audit.record("assign_beats", now=now, user=admin, target=f"user:{target.id} {target.email}",
                 reason=f"{', '.join(sorted(before)) or 'none'} → {', '.join(sorted(after)) or 'none'}")
    db.session.flush()
    return bool(before - after)


def set_active(admin: User, target: User, active: bool, *, now: datetime) -> bool:
    """Deactivate (signs the account out everywhere, keeps its history) or reactivate it.

    Raises `forbidden` (not an admin), `invalid_target` (deactivating their own account)."""
    require_admin(admin)
    if target.active is active:
        return False
    if not active:
        _not_self(admin, target, "deactivate")
        db.session.execute(
            update(StaffSession).where(StaffSession.user_id == target.id, StaffSession.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        end_staff_tokens(target.id)
    target.active = active
    audit.record("reactivate_user" if active else "deactivate_user", now=now, user=admin,
                 target=f"user:{target.id} {target.email}")
    db.session.flush()
    return True
