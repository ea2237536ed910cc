"""Officers between meetings: the priorities of their beats and a form to post progress on each."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, TextAreaField

from pact import notifications
from pact.delivery import dispatch_soon
from pact.meetings import progress, reporting
from pact.meetings.errors import DomainError, forbidden, http_status
from pact.meetings.permissions import can_moderate
from pact.meetings.priorities import get_priority
from pact.meetings.summary import priority_data, progress_data
from pact.models import ProgressStatus, Role, utcnow
from pact.views.unit_of_work import after_commit, discard

officer_bp = Blueprint("officer", __name__, url_prefix="/officer")


class ProgressForm(FlaskForm):
    # The domain checks status and note, so people get the same words everywhere.
    status = SelectField("Status", choices=[SelectChoice(s.value, progress.STATUS_LABELS[s]) for s in ProgressStatus],
                         validate_choice=False)
    note = TextAreaField("What has been done")


def _require_officer() -> None:
    if current_user.role not in (Role.OFFICER, Role.ADMIN):
        raise forbidden("Only officers post progress on priorities.")


@officer_bp.get("/")
@login_required
def priorities():
    """Every agreed priority on the officer's beats, newest meeting first, with its latest progress."""
    _require_officer()
    beats = reporting.visible_beats(current_user)
    rows = [priority_data(p) | {"meeting": p.meeting}
            for p in reversed(reporting.agreed_priorities(reporting.Filters(beats, None, None)))]
    return render_template("officer/priorities.html", rows=rows, beats=beats)


@officer_bp.route("/priorities/<int:priority_id>", methods=["GET", "POST"])
@login_required
def priority(priority_id: int):
    """One priority: what was promised, its progress so far, and (CSRF-protected) a new update."""
    _require_officer()
    item = get_priority(priority_id)
    if not can_moderate(current_user, item.meeting):
        raise forbidden("This priority belongs to a beat you are not assigned to.")
    form = ProgressForm(status=item.status.value)
    error, status = None, 200
    if form.validate_on_submit():
        try:
            update = progress.post_progress(item, form.status.data, form.note.data, user=current_user, now=utcnow())
            if notifications.progress_posted(update, utcnow()):  # to the beat's progress subscribers
                after_commit(dispatch_soon)
        except DomainError as exc:
            discard()
            error, status = exc.message, http_status(exc)
        else:
            flash("Progress saved. It now shows on the beat page under \u201cyou said, we did\u201d.", "success")
            return redirect(url_for("officer.priority", priority_id=priority_id))
    elif form.is_submitted():
        error, status = "This form has expired or did not come from this site. Reload the page and try again.", 400
    updates = [progress_data(u) for u in reversed(item.updates)]
    return render_template("officer/priority.html", item=item, data=priority_data(item), updates=updates,
                           form=form, error=error), status
