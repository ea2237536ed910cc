"""Admin pages: create beats and staff accounts, change roles, assign beats, deactivate accounts.

Every form carries a CSRF token; every change is audited; a change that narrows an account's access
closes that account's open live connections at once (the page reloads with what remains).
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, SelectMultipleField, StringField, widgets
from wtforms.validators import DataRequired, Length, Optional

from pact.delivery import dispatch_soon
from pact.extensions import db
from pact.live import broadcast
from pact.meetings import accounts, passwords
from pact.meetings.errors import DomainError
from pact.models import Beat, Role, User, utcnow
from pact.views.unit_of_work import after_commit, discard

admin_bp = Blueprint("admin", __name__, url_prefix="/admin")

ROLE_CHOICES = [SelectChoice(r.value, r.value.capitalize()) for r in Role]


class CheckboxList(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes (the beats of an account)."""
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class BeatForm(FlaskForm):
    """Create a beat: its short name for web addresses and its name."""
    slug = StringField("Short name for web addresses (e.g. riverside-north)",
                       validators=[DataRequired("Enter a short name."), Length(max=64)])
    name = StringField("Beat name", validators=[DataRequired("Enter the beat's name."), Length(max=120)])


class StaffForm(FlaskForm):
    """Create a staff account: e-mail, name, role, beats; a password, or none to e-mail an invitation."""
    email = EmailField("Email", validators=[DataRequired("Enter an email address."), Length(max=254)])
    display_name = StringField("Name residents see (e.g. PC Jones)", validators=[Optional(), Length(max=80)])
    role = SelectField("Role", choices=ROLE_CHOICES)
    password = PasswordField("Starting password (leave empty to e-mail an invitation to choose one)",
                             validators=[Optional(), Length(max=200)])
    beats = CheckboxList("Beats", coerce=int)


class RoleForm(FlaskForm):
    """Change an account's role."""
    role = SelectField("Role", choices=ROLE_CHOICES)


class BeatsForm(FlaskForm):
    """Set exactly which beats an account works on."""
    beats = CheckboxList("Beats", coerce=int)


class ActiveForm(FlaskForm):
    """Only the CSRF token: the button says what happens."""


def _admin() -> User:
    user = current_user._get_current_object()
    accounts.require_admin(user)
    return user


def _beat_choices() -> list[SelectChoice]:
    return [SelectChoice(b.id, b.name) for b in db.session.scalars(select(Beat).order_by(Beat.name))]


def _overview(beat_form: BeatForm | None = None, staff_form: StaffForm | None = None, status: int = 200):
    beat_form = beat_form or BeatForm(prefix="beat")
    staff_form = staff_form or StaffForm(prefix="staff")
    staff_form.beats.choices = _beat_choices()
    beats = db.session.scalars(select(Beat).order_by(Beat.name)).all()
    users = db.session.scalars(select(User).order_by(User.active.desc(), User.email)).all()
    return render_template("admin/index.html", beats=beats, users=users, beat_form=beat_form,
                           staff_form=staff_form), status


@admin_bp.get("/")
@login_required
def index():
    """GET /admin/: beats and staff accounts, with the forms to add them (admins only)."""
    _admin()
    return _overview()


@admin_bp.post("/beats")
@login_required
def create_beat():
    """POST /admin/beats: create a beat; a refusal re-renders the page with the form's error."""
    admin = _admin()
    form = BeatForm(prefix="beat")
    if form.validate_on_submit():
        try:
            beat = accounts.create_beat(admin, form.slug.data, form.name.data, now=utcnow())
            flash(f"Created the beat {beat.name} ({beat.slug}).", "success")
            return redirect(url_for("admin.index"))
        except DomainError as error:
            discard()
            (form.slug if error.code in ("invalid_slug", "duplicate") else form.name).errors.append(error.message)
    return _overview(beat_form=form, status=400)


@admin_bp.post("/users")
@login_required
def create_staff():
    """POST /admin/users: create an account with a password, or invite the person to choose one (e-mailed)."""
    admin = _admin()
    form = StaffForm(prefix="staff")
    form.beats.choices = _beat_choices()
    if form.validate_on_submit():
        slugs = [b.slug for b in db.session.scalars(select(Beat).where(Beat.id.in_(form.beats.data or [])))]
        try:
            if not form.password.data:  # an invitation: the person chooses their own password
                user, _ = passwords.invite_staff(admin, form.email.data, role=form.role.data,
                                                 display_name=form.display_name.data or None, beat_slugs=slugs,
                                                 now=utcnow())
                after_commit(dispatch_soon)
                flash(f"Created the {user.role.value} account {user.email} and e-mailed an invitation "
                      "to choose a password (the link works once, for 7 days).", "success")
                return redirect(url_for("admin.index"))
            user = accounts.create_staff(admin, form.email.data, role=form.role.data, password=form.password.data,
                                         display_name=form.display_name.data or None, beat_slugs=slugs, now=utcnow())
            flash(f"Created the {user.role.value} account {user.email}.", "success")
            return redirect(url_for("admin.index"))
        except DomainError as error:
            discard()
            field = {"invalid_email": form.email, "duplicate": form.email, "weak_password": form.password,
                     "invalid_role": form.role}.get(error.code, form.display_name)
            field.errors = [*field.errors, error.message]
    return _overview(staff_form=form, status=400)


def _account_page(target: User, status: int = 200, *, role_form=None, beats_form=None, error: str | None = None):
    role_form = role_form or RoleForm(prefix="role", role=target.role.value)
    beats_form = beats_form or BeatsForm(prefix="beats", beats=[b.id for b in target.beats])
    beats_form.beats.choices = _beat_choices()
    return render_template("admin/user.html", target=target, role_form=role_form, beats_form=beats_form,
                           active_form=ActiveForm(prefix="active"), error=error), status


@admin_bp.get("/users/<int:user_id>")
@login_required
def account(user_id: int):
    """GET /admin/users/<id>: one account, with its role, beats and active forms."""
    _admin()
    return _account_page(accounts.get_user(user_id))


def _apply(target: User, change, done: str):
    """Run one change; once committed, close the account's sockets if access narrowed; go back."""
    try:
        narrowed = change()
    except DomainError as error:
        discard()
        return _account_page(db.session.get(User, target.id), 400, error=error.message)
    if narrowed:
        after_commit(broadcast.staff_access_changed(target.id))
    flash(done, "success")
    return redirect(url_for("admin.account", user_id=target.id))


@admin_bp.post("/users/<int:user_id>/role")
@login_required
def change_role(user_id: int):
    """POST /admin/users/<id>/role: change the role; narrowed access closes the account's open sockets."""
    admin, target = _admin(), accounts.get_user(user_id)
    form = RoleForm(prefix="role")
    if not form.validate_on_submit():
        return _account_page(target, 400, role_form=form)
    return _apply(target, lambda: accounts.change_role(admin, target, form.role.data, now=utcnow()),
                  f"{target.email} is now {form.role.data}.")


@admin_bp.post("/users/<int:user_id>/beats")
@login_required
def assign_beats(user_id: int):
    """POST /admin/users/<id>/beats: set the beats; a beat taken away closes the account's open sockets."""
    admin, target = _admin(), accounts.get_user(user_id)
    form = BeatsForm(prefix="beats")
    form.beats.choices = _beat_choices()
    if not form.validate_on_submit():
        return _account_page(target, 400, beats_form=form)
    return _apply(target, lambda: accounts.assign_beats(admin, target, list(form.beats.data or []), now=utcnow()),
                  f"Saved the beats of {target.email}.")


@admin_bp.post("/users/<int:user_id>/deactivate")
@login_required
def deactivate(user_id: int):
    """POST /admin/users/<id>/deactivate: the account can no longer sign in; it is signed out everywhere."""
    admin, target = _admin(), accounts.get_user(user_id)
    form = ActiveForm(prefix="active")
    if not form.validate_on_submit():
        return _account_page(target, 400)
    return _apply(target, lambda: accounts.set_active(admin, target, False, now=utcnow()),
                  f"Deactivated {target.email}; they have been signed out everywhere.")


@admin_bp.post("/users/<int:user_id>/reactivate")
@login_required
def reactivate(user_id: int):
    """POST /admin/users/<id>/reactivate: the account can sign in again."""
    admin, target = _admin(), accounts.get_user(user_id)
    form = ActiveForm(prefix="active")
    if not form.validate_on_submit():
        return _account_page(target, 400)
    accounts.set_active(admin, target, True, now=utcnow())
    flash(f"Reactivated {target.email}. They can sign in again.", "success")
    return redirect(url_for("admin.account", user_id=target.id))
