"""Inspectors across their beats: current priorities, overdue actions, beats gone quiet; filters."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from pact.meetings import reporting
from pact.meetings.errors import DomainError, http_status
from pact.models import utcnow
from pact.views.reports import requested_filters

inspector_bp = Blueprint("inspector", __name__, url_prefix="/inspector")


@inspector_bp.get("/")
@login_required
def overview():
    """Filter by beat (several `beat=`) and meeting dates (`from`, `to`); links to the CSV export."""
    beats = reporting.visible_beats(current_user)
    args = request.args
    try:
        filters = requested_filters()
    except DomainError as exc:
        empty = reporting.Filters([], None, None)
        return render_template("inspector/overview.html", beats=beats, filters=empty, data=None, error=exc.message,
                               chosen=args.getlist("beat"), raw_from=args.get("from", ""),
                               raw_to=args.get("to", "")), http_status(exc)
    data = reporting.overview(filters, today=utcnow().date())
    return render_template("inspector/overview.html", beats=beats, filters=filters, data=data, error=None,
                           chosen=args.getlist("beat"), raw_from=args.get("from", ""), raw_to=args.get("to", ""))
