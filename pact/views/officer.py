"""Staff between and around meetings: the workspace, meetings from the web, progress on priorities."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectChoice, SelectField, TextAreaField

from pact import localtime, notifications
from pact.delivery import dispatch_soon
from pact.extensions import db
from pact.meetings import progress, reporting
from pact.meetings.errors import DomainError, forbidden, http_status, not_found
from pact.meetings.permissions import can_moderate, is_staff_user
from pact.meetings.priorities import get_priority
from pact.meetings.safeguarding.queue import waiting_holds
from pact.meetings.summary import priority_data, progress_data
from pact.models import Beat, Meeting, ModerationMode, ProgressStatus, Role, Stage, utcnow
from pact.scheduling import operations, queries
from pact.scheduling.streams import recognise
from pact.views.unit_of_work import after_commit, discard

officer_bp = Blueprint("officer", __name__, url_prefix="/officer")
FORM_FIELDS = ("beat", "title", "starts_at", "ends_at", "description", "venue", "stream_url", "dial_in",
               "votes_per_resident", "moderation")
EXPIRED = "This form has expired or did not come from this site. Reload the page and try again."


class ProgressForm(FlaskForm):
    # The domain checks status and note, so people get the same words everywhere.
    """Report progress on a priority: its new status and what has been done."""
    status = SelectField("Status", choices=[SelectChoice(s.value, progress.STATUS_LABELS[s]) for s in ProgressStatus],
                         validate_choice=False)
    note = TextAreaField("What has been done")


class CsrfForm(FlaskForm):
    """Only the CSRF check: the fields themselves are read and checked by pact/scheduling/."""


def _require_officer() -> None:
    if current_user.role not in (Role.OFFICER, Role.ADMIN):
        raise forbidden("Only officers post progress on priorities.")


def _require_staff() -> None:
    if not is_staff_user(current_user):
        raise forbidden("This page is for police staff.")


@officer_bp.get("/")
@login_required
def workspace() -> ResponseReturnValue:
    """Where staff land after signing in: their beats' meetings, held posts waiting, overdue actions."""
    _require_staff()
    now = utcnow()
    desk = queries.workspace(current_user, now=now, today=localtime.local(now).date())
    holds = waiting_holds(current_user, now=now,
                          overdue_after=timedelta(minutes=current_app.config.get("SAFEGUARDING_OVERDUE_MINUTES", 5)))
    return render_template("officer/workspace.html", desk=desk, now=now, holds=holds,
                           schedulable=[d.beat for d in desk.beats if operations.can_schedule(current_user, d.beat)])


@officer_bp.get("/priorities")
@login_required
def priorities() -> ResponseReturnValue:
    """Every agreed priority on the officer's beats, newest meeting first, with its latest progress."""
    _require_officer()
    beats = reporting.visible_beats(current_user)
    rows = [priority_data(p) | {"meeting": p.meeting}
            for p in reversed(reporting.agreed_priorities(reporting.Filters(beats, None, None)))]
    return render_template("officer/priorities.html", rows=rows, beats=beats)


@officer_bp.route("/priorities/<int:priority_id>", methods=["GET", "POST"])
@login_required
def priority(priority_id: int) -> ResponseReturnValue:
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
        error, status = EXPIRED, 400
    updates = [progress_data(u) for u in reversed(item.updates)]
    return render_template("officer/priority.html", item=item, data=priority_data(item), updates=updates,
                           form=form, error=error), status


# --- Meetings from the web -------------------------------------------------------------------


def _find_beat(slug: str) -> Beat | None:
    return db.session.scalar(select(Beat).where(Beat.slug == slug.strip().lower())) if slug else None


def _editable_meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise not_found("meeting")
    operations.require_scheduler(current_user, meeting.beat)
    return meeting


def _read_time(name: str, label: str) -> datetime | None:
    """A posted local time read in PACT_TIMEZONE; None when the field is empty."""
    raw = request.form.get(name, "")
    if not raw.strip():
        return None
    try:
        return localtime.parse_local(raw, field=label)
    except DomainError as error:
        error.extra.setdefault("field", name)
        raise


def _read_details() -> operations.MeetingDetails:
    """The posted form as MeetingDetails; a refusal names its field."""
    starts = _read_time("starts_at", "start time")
    if starts is None:
        raise DomainError("invalid_date", "Give the start time, e.g. 2026-12-01T19:00.", field="starts_at")
    ends = _read_time("ends_at", "end time")
    raw_votes = request.form.get("votes_per_resident", "").strip() or "3"
    try:
        votes = int(raw_votes)
    except ValueError:
        raise DomainError("invalid_votes", "Priority votes per resident is a whole number from 1 to 10.",
                          field="votes_per_resident") from None
    try:
        mode = ModerationMode(request.form.get("moderation", "open"))
    except ValueError:
        raise DomainError("invalid_moderation", "Moderation is 'open' or 'premoderated'.", field="moderation") from None
    return operations.MeetingDetails(
        title=request.form.get("title", ""), starts_at=starts, ends_at=ends,
        description=request.form.get("description"), venue=request.form.get("venue"),
        stream_url=request.form.get("stream_url", "").strip() or None, dial_in=request.form.get("dial_in"),
        votes_per_resident=votes, moderation=mode)


def _values_of(meeting: Meeting) -> dict[str, str]:
    return {
        "beat": meeting.beat.slug, "title": meeting.title, "starts_at": localtime.input_value(meeting.starts_at),
        "ends_at": localtime.input_value(meeting.ends_at), "description": meeting.description or "",
        "venue": meeting.venue or "", "stream_url": meeting.stream_url or "", "dial_in": meeting.dial_in or "",
        "votes_per_resident": str(meeting.votes_per_resident), "moderation": meeting.moderation.value,
    }


def _suggested_values(beat: Beat | None) -> dict[str, str]:
    """A new meeting's form starts a week ahead at 7pm for 90 minutes, open moderation, 3 votes."""
    start_day = localtime.local(utcnow()).date() + timedelta(days=7)
    start = datetime.combine(start_day, time(19, 0))
    return {"beat": beat.slug if beat else "", "title": "", "starts_at": start.strftime(localtime.INPUT_FORMAT),
            "ends_at": (start + timedelta(minutes=90)).strftime(localtime.INPUT_FORMAT), "description": "",
            "venue": "", "stream_url": "", "dial_in": "", "votes_per_resident": "3", "moderation": "open"}


def _posted_values() -> dict[str, str]:
    return {name: request.form.get(name, "") for name in FORM_FIELDS}


def _render_form(*, meeting: Meeting | None, values: dict[str, str], error: DomainError | None = None,
                 cancel_error: DomainError | None = None, status: int = 200) -> ResponseReturnValue:
    beats = [b for b in reporting.visible_beats(current_user) if operations.can_schedule(current_user, b)]
    return render_template("officer/meeting_form.html", meeting=meeting, values=values, beats=beats, error=error,
                           error_field=error.extra.get("field") if error else None, cancel_error=cancel_error,
                           form=CsrfForm(), stream=recognise(values.get("stream_url") or None)), status


@officer_bp.get("/meetings/new")
@login_required
def new_meeting() -> ResponseReturnValue:
    """The empty form; `?beat=<slug>` picks the beat (a member of staff with one beat gets it anyway)."""
    _require_staff()
    slug = request.args.get("beat", "")
    beat = _find_beat(slug)
    if slug and beat is None:
        raise DomainError("not_found", f"There is no beat \u2018{slug[:64]}\u2019. Choose one from your workspace.")
    if beat is not None:
        operations.require_scheduler(current_user, beat)
    else:
        mine = [b for b in reporting.visible_beats(current_user) if operations.can_schedule(current_user, b)]
        if not mine:
            raise forbidden("Your account has no beat yet. Ask an admin to add you to your beat, "
                            "then schedule from here.")
        beat = mine[0] if len(mine) == 1 else None
    return _render_form(meeting=None, values=_suggested_values(beat))


@officer_bp.post("/meetings")
@login_required
def create_meeting() -> ResponseReturnValue:
    """Schedule a meeting: CSRF-checked form (CONTRACT fields) → redirect to its room."""
    _require_staff()
    form = CsrfForm()
    values = _posted_values()
    if not form.validate_on_submit():
        return _render_form(meeting=None, values=values, error=DomainError("csrf_failed", EXPIRED), status=400)
    beat = _find_beat(values["beat"])
    try:
        if beat is None:
            raise DomainError("unknown_beat", "Choose one of your beats: there is no beat by that name.", field="beat")
        operations.require_scheduler(current_user, beat)
        meeting = operations.create_meeting(beat, _read_details(), user=current_user._get_current_object(),
                                            now=utcnow())
    except DomainError as error:
        discard()
        return _render_form(meeting=None, values=values, error=error, status=http_status(error))
    flash(f"Meeting scheduled for {localtime.when(meeting.starts_at)}. Share its address, poster or QR code "
          "from this page.", "success")
    return redirect(url_for("public.room", meeting_id=meeting.id))


@officer_bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit_meeting(meeting_id: int) -> ResponseReturnValue:
    """Change or reschedule a meeting (same fields as scheduling); cancelling is a form on this page."""
    meeting = _editable_meeting(meeting_id)
    if request.method == "GET":
        return _render_form(meeting=meeting, values=_values_of(meeting))
    form = CsrfForm()
    values = _posted_values() | {"beat": meeting.beat.slug}
    if not form.validate_on_submit():
        return _render_form(meeting=meeting, values=values, error=DomainError("csrf_failed", EXPIRED), status=400)
    try:
        changed = operations.update_meeting(meeting, _read_details(), user=current_user._get_current_object(),
                                            now=utcnow())
    except DomainError as error:
        discard()
        return _render_form(meeting=db.session.get(Meeting, meeting_id), values=values, error=error,
                            status=http_status(error))
    if not changed:
        flash("Nothing changed.", "success")
    elif {"starts_at", "ends_at", "venue"} & set(changed):
        after_commit(dispatch_soon)  # subscribers hear of the new time (pact.notifications hooks)
        flash(f"Meeting rescheduled: now {localtime.span(meeting.starts_at, meeting.ends_at)}"
              f"{', at ' + meeting.venue if meeting.venue else ''}. Calendars that follow the beat will update.",
              "success")
    else:
        flash("Meeting details saved.", "success")
    return redirect(url_for("public.room", meeting_id=meeting.id))


@officer_bp.post("/meetings/<int:meeting_id>/cancel")
@login_required
def cancel_meeting(meeting_id: int) -> ResponseReturnValue:
    """Cancel a scheduled meeting; the `reason` is shown to residents on the room and beat pages."""
    meeting = _editable_meeting(meeting_id)
    form = CsrfForm()
    if not form.validate_on_submit():
        return _render_form(meeting=meeting, values=_values_of(meeting),
                            cancel_error=DomainError("csrf_failed", EXPIRED),
                            status=400)
    try:
        operations.cancel_meeting(meeting, request.form.get("reason"), user=current_user._get_current_object(),
                                  now=utcnow())
    except DomainError as error:
        discard()
        meeting = db.session.get(Meeting, meeting_id) or meeting
        return _render_form(meeting=meeting, values=_values_of(meeting), cancel_error=error, status=http_status(error))
    after_commit(dispatch_soon)  # subscribers hear of the cancellation (pact.notifications hooks)
    flash("Meeting cancelled. The room and the beat page now say so, with your reason.", "success")
    return redirect(url_for("public.room", meeting_id=meeting.id))


@officer_bp.app_context_processor
def _scheduling_helpers() -> dict[str, object]:
    return {"can_schedule": lambda beat: operations.can_schedule(current_user, beat), "Stage": Stage}
