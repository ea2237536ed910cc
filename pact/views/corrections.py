"""Officers correct an agreed priority after its meeting: title, action, owner, review date."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from pact.meetings import corrections
from pact.meetings.errors import DomainError, forbidden, http_status
from pact.meetings.permissions import can_moderate
from pact.meetings.priorities import get_priority
from pact.models import utcnow
from pact.views.unit_of_work import discard

corrections_bp = Blueprint("corrections", __name__, url_prefix="/officer")


class CorrectionForm(FlaskForm):
    # The domain checks every field, so people get the same words as in the room.
    """Correct a closed meeting's priority: title, action, owner, review date (the domain checks each)."""
    title = StringField("Title (the priority as residents read it)")
    action = TextAreaField("Action promised")
    owner = StringField("Owner (optional)")
    review_on = StringField("Review by (optional)")


@corrections_bp.route("/priorities/<int:priority_id>/correct", methods=["GET", "POST"])
@login_required
def correct(priority_id: int):
    """Officer of the beat: a CSRF-protected form to correct a closed meeting's priority.

    Each changed field is audited with before and after; a refusal re-renders the form with the
    officer's input and the message, changing nothing."""
    item = get_priority(priority_id)
    if not can_moderate(current_user, item.meeting):
        raise forbidden("This priority belongs to a beat you are not assigned to.")
    form = CorrectionForm(title=item.text, action=item.action, owner=item.owner or "",
                          review_on=item.review_on.isoformat() if item.review_on else "")
    error, error_field, status = None, None, 200
    if form.validate_on_submit():
        changes = {name: getattr(form, name).data or "" for name in corrections.FIELDS}
        try:
            corrections.correct_priority(item, changes, user=current_user, now=utcnow())
        except DomainError as exc:
            discard()
            error, error_field, status = exc.message, exc.extra.get("field"), http_status(exc)
        else:
            flash("Priority corrected. The summary, the beat page and every export now show the new wording.",
                  "success")
            return redirect(url_for("reports.summary", meeting_id=item.meeting_id) + f"#priority-{item.id}")
    elif form.is_submitted():
        error, status = "This form has expired or did not come from this site. Reload the page and try again.", 400
    history = [corrections.correction_data(row) for row in reversed(item.corrections)]
    return render_template("officer/correct_priority.html", item=item, form=form, error=error,
                           error_field=error_field, history=history), status
