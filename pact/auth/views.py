"""Sign in and sign out."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select

from pact.auth import SESSION_KEY, auth_bp, throttle
from pact.auth.forms import LoginForm
from pact.auth.sessions import check_credentials, open_session, revoke_sessions
from pact.extensions import db
from pact.live import broadcast
from pact.meetings.errors import DomainError
from pact.meetings.participants import end_staff_tokens, hash_secret
from pact.models import StaffSession, User, utcnow
from pact.views import unit_of_work
from pact.views.unit_of_work import after_commit


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@auth_bp.route("/login", methods=["GET", "POST"])
def login():
    """GET: the staff sign-in form; POST: sign in, throttled (pact/auth/throttle.py) and audited.

    Every attempt counts before the password is checked: too many is 429, a wrong password 401 (the
    form again, with its message); a success starts a staff session and goes to `next` when it is a
    local address, else to the workspace."""
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        address = request.remote_addr or "unknown"
        try:
            throttle.admit_attempt(email, address)  # counted and checked in one step, before the password
        except DomainError as error:
            throttle.record_failure(email, address, "refused (too many attempts)")
            unit_of_work.keep_on_refusal()
            form.password.errors.append(error.message)
            response = make_response(render_template("auth/login.html", form=form), 429)
            response.headers["Retry-After"] = str(error.extra["retry_after"])
            return response
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if not check_credentials(user, form.password.data):
            throttle.record_failure(email, address, "wrong email or password")
            unit_of_work.keep_on_refusal()
            form.password.errors.append("That email and password do not match an active staff account.")
            return render_template("auth/login.html", form=form), 401
        throttle.record_success(email, address)
        row, token = open_session(user, now=utcnow())
        db.session.add(row)
        session.clear()
        session[SESSION_KEY] = token
        login_user(user)
        flash(f"Signed in as {user.display_name}.", "success")
        return redirect(_safe_next(request.args.get("next")) or url_for("officer.workspace"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@auth_bp.post("/logout")
def logout():
    """End this browser's sign-in; with `everywhere`, every sign-in of the account (a lost laptop)."""
    user_id = current_user.id if current_user.is_authenticated else None
    everywhere = user_id is not None and bool(request.form.get("everywhere"))
    token = session.get(SESSION_KEY)
    if everywhere:
        revoke_sessions(user_id, now=utcnow())
    elif token:
        row = db.session.scalar(select(StaffSession).where(StaffSession.token_hash == hash_secret(token)))
        if row is not None and row.revoked_at is None:
            row.revoked_at = utcnow()
    logout_user()
    session.clear()
    if user_id is not None:
        end_staff_tokens(user_id)
        after_commit(lambda: broadcast.staff_signed_out(user_id))
    flash("You have signed out on every device." if everywhere else "You have signed out.", "success")
    return redirect(url_for("public.home"))
