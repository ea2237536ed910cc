"""Staff passwords over HTTP: forgot → e-mailed link → new password; invitations use the same page;
change your own; an admin's reset link (shown once, and e-mailed).

Whenever a password changes, the account's other sign-ins are revoked (in the domain) and its open
sockets are closed after commit (`broadcast.staff_access_changed`)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import Length

from pact import localtime
from pact.auth import SESSION_KEY
from pact.delivery import dispatch_soon
from pact.live import broadcast, limits
from pact.meetings import accounts, passwords
from pact.meetings.errors import DomainError, http_status
from pact.meetings.participants import hash_secret
from pact.models import TokenPurpose, utcnow
from pact.urls import absolute_url
from pact.views.unit_of_work import after_commit, discard

passwords_bp = Blueprint("passwords", __name__)

HINT = f"At least {passwords.MIN_LENGTH} characters."


class ForgotForm(FlaskForm):
    """"Forgot your password?": the staff e-mail address to send a reset link to."""
    email = EmailField("Your staff e-mail address", validators=[Length(max=254)])


class NewPasswordForm(FlaskForm):
    """Choose a password (invitation or reset link): twice; pact/meetings/passwords.py checks it."""
    password = PasswordField("New password", validators=[Length(max=passwords.MAX_LENGTH + 1)])
    confirm = PasswordField("The new password again", validators=[Length(max=passwords.MAX_LENGTH + 1)])


class ChangePasswordForm(NewPasswordForm):
    """A signed-in member of staff changes their password: the current one, then the new one twice."""
    current = PasswordField("Current password", validators=[Length(max=passwords.MAX_LENGTH + 1)])


class PlainForm(FlaskForm):
    """Only the CSRF token."""


EXPIRED_FORM = "This form has expired or did not come from this site. Reload the page and try again."
FIELD_OF = {"weak_password": "password", "too_long": "password", "password_mismatch": "confirm",
            "wrong_password": "current", "same_password": "password"}


def _field_error(form, error: DomainError) -> None:
    field = getattr(form, FIELD_OF.get(error.code, "password"))
    field.errors = [*field.errors, error.message]


@passwords_bp.route("/password/forgot", methods=["GET", "POST"])
def forgot():
    """The same answer whether or not the account exists; limited per address and per account."""
    form = ForgotForm()
    if form.validate_on_submit():
        email = (form.email.data or "").strip().lower()
        try:
            limits.check("forgot", address=request.remote_addr or "unknown", account=email or None)
        except DomainError as error:
            form.email.errors = [error.message]
            response = render_template("auth/forgot.html", form=form, sent=False)
            return response, 429, {"Retry-After": str(error.extra["retry_after"])}
        if passwords.request_reset(email, now=utcnow()) is not None:
            after_commit(dispatch_soon)
        return render_template("auth/forgot.html", form=form, sent=True)
    status = 400 if form.is_submitted() else 200
    if form.is_submitted():
        form.email.errors = [EXPIRED_FORM]
    return render_template("auth/forgot.html", form=form, sent=False), status


@passwords_bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    """An invitation or reset link: choose a password (the link then stops working)."""
    try:
        link = passwords.find_token(token, now=utcnow())
    except DomainError as error:
        return render_template("auth/link_error.html", message=error.message), http_status(error)
    form = NewPasswordForm()
    invite = link.purpose is TokenPurpose.INVITE
    status = 200
    if form.validate_on_submit():
        try:
            user = passwords.set_password_with_link(token, form.password.data, form.confirm.data, now=utcnow())
        except DomainError as error:
            discard()
            _field_error(form, error)
            status = http_status(error)
        else:
            user_id = user.id
            after_commit(broadcast.staff_access_changed(user_id))
            logout_user()
            session.pop(SESSION_KEY, None)
            flash("Your password is set. Sign in with it now.", "success")
            return redirect(url_for("auth.login"))
    elif form.is_submitted():
        form.password.errors = [EXPIRED_FORM]
        status = 400
    return render_template("auth/new_password.html", form=form, invite=invite, email=link.user.email,
                           hint=HINT), status


@passwords_bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change():
    """Change your own password: the current one is needed; your other sign-ins end."""
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        token = session.get(SESSION_KEY)
        try:
            passwords.change_password(current_user, form.current.data, form.password.data, form.confirm.data,
                                      now=utcnow(), keep_session_hash=hash_secret(token) if token else None)
        except DomainError as error:
            discard()
            _field_error(form, error)
            status = http_status(error)
        else:
            after_commit(broadcast.staff_access_changed(current_user.id))
            flash("Your password is changed. You have been signed out everywhere else.", "success")
            return redirect(url_for("passwords.change"))
    elif form.is_submitted():
        form.current.errors = [EXPIRED_FORM]
        status = 400
    return render_template("auth/change_password.html", form=form, hint=HINT), status


@passwords_bp.post("/admin/users/<int:user_id>/reset-link")
@login_required
def admin_reset(user_id: int):
    """Admin: a one-time reset link for the account, shown on this page once and e-mailed to it."""
    target = accounts.get_user(user_id)
    form = PlainForm()
    if not form.validate_on_submit():
        flash(EXPIRED_FORM, "error")
        return redirect(url_for("admin.account", user_id=user_id))
    try:
        token = passwords.admin_reset_link(current_user, target, now=utcnow())
    except DomainError as error:
        discard()
        flash(error.message, "error")
        return redirect(url_for("admin.account", user_id=user_id))
    after_commit(dispatch_soon)
    link = absolute_url("passwords.reset", token=passwords.token_link(token))
    response = render_template("admin/reset_link.html", target=target, link=link, expires=localtime.when(token.expires_at))
    return response, 200, {"Cache-Control": "no-store"}
