"""Who may do what. Always asked of the database-backed user, never of what a socket remembered."""
from __future__ import annotations

from typing import TypeGuard

from pact.meetings.errors import DomainError
from pact.models import Beat, Meeting, Role, User


def is_staff_user(user: User | None) -> TypeGuard[User]:
    """A signed-in, active staff account (so callers may use it as a User, not None)."""
    return user is not None and bool(getattr(user, "is_authenticated", False)) and user.active


def can_see_beat(user: User | None, beat: Beat) -> bool:
    """Staff view of a beat: admins everywhere, officers and inspectors on their own beats."""
    if not is_staff_user(user):
        return False
    return user.role is Role.ADMIN or beat in user.beats


def can_moderate(user: User | None, meeting: Meeting) -> bool:
    """Officers act only in meetings of the beats they are assigned to; admins anywhere."""
    if not is_staff_user(user):
        return False
    if user.role is Role.ADMIN:
        return True
    return user.role is Role.OFFICER and meeting.beat in user.beats


def require_moderator(user: User | None, meeting: Meeting) -> None:
    """Refuse anyone who may not moderate this meeting (`can_moderate`): raises `forbidden`."""
    if not can_moderate(user, meeting):
        raise DomainError("forbidden", "Only an officer of this beat can do that.")
