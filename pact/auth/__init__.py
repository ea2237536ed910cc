"""Staff sign-in: Flask-Login backed by revocable server-side sessions."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Flask, current_app, session
from sqlalchemy import select

from pact.auth.sessions import is_current, touch_session
from pact.extensions import db, login_manager
from pact.meetings.participants import hash_secret
from pact.models import StaffSession, User, utcnow

auth_bp = Blueprint("auth", __name__)

SESSION_KEY = "staff_session"


def init_login(app: Flask) -> None:
    """Flask-Login for staff: the sign-in page, its message, and session protection (staff sessions are checked per
    request)."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in as staff to see that page."
    login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Only a sign-in that is current counts (not revoked, not idle for STAFF_SESSION_IDLE seconds,
    younger than STAFF_SESSION_LIFETIME), so sign-out ends a copied cookie too."""
    token = session.get(SESSION_KEY)
    if not token or not user_id.isdigit():
        return None
    row = db.session.scalar(
        select(StaffSession).where(
            StaffSession.token_hash == hash_secret(token),
            StaffSession.user_id == int(user_id),
            StaffSession.revoked_at.is_(None),
        )
    )
    if row is None or not row.user.active:
        return None
    now, cfg = utcnow(), current_app.config
    if not is_current(row, now=now, idle=timedelta(seconds=cfg["STAFF_SESSION_IDLE"]),
                      lifetime=timedelta(seconds=cfg["STAFF_SESSION_LIFETIME"])):
        return None
    touch_session(row, now=now)
    return row.user


from pact.auth import views  # noqa: E402,F401  (registers routes on auth_bp)
