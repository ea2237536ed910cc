"""Staff pages about one meeting's moderation: the audit log (page and CSV).

Officers and inspectors of the meeting's beat, and admins, may read it; nobody can change it.
"""
from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask_login import current_user, login_required

from pact import export
from pact.meetings import audit
from pact.meetings.errors import forbidden
from pact.meetings.participants import get_meeting
from pact.meetings.permissions import can_see_beat
from pact.models import Meeting, utcnow

staff_bp = Blueprint("staff", __name__)
AUDIT_REFUSAL = "Only staff of this meeting's beat can read its audit log."


@staff_bp.app_context_processor
def _ready_replies():
    """Officers' pages list the force's ready-made replies (SAFEGUARDING_REPLIES)."""
    from pact.live.moderation_handlers import replies

    return {"ready_replies": replies}

def meeting_for_staff(meeting_id: int, refusal: str) -> Meeting:
    """The meeting, if the signed-in account is staff of its beat (or an admin); else `forbidden`
    with `refusal` (`not_found` for a meeting that does not exist). Every staff page about one
    meeting starts here: the audit log, the evidence pack, referrals, the complete export."""
    meeting = get_meeting(meeting_id)
    if not can_see_beat(current_user, meeting.beat):
        raise forbidden(refusal)
    return meeting


@staff_bp.get("/meetings/<int:meeting_id>/audit")
@login_required
def audit_page(meeting_id: int):
    """Inspectors, officers of the beat and admins read who did what, when and why."""
    meeting = meeting_for_staff(meeting_id, AUDIT_REFUSAL)
    response = Response(render_template("staff/audit.html", meeting=meeting, rows=audit.rows_for(meeting),
                                        columns=audit.COLUMNS))
    response.headers["Cache-Control"] = "no-store"
    return response


@staff_bp.get("/meetings/<int:meeting_id>/audit.csv")
@login_required
def audit_download(meeting_id: int):
    """The same log as CSV; downloading it is itself recorded."""
    meeting = meeting_for_staff(meeting_id, AUDIT_REFUSAL)
    rows = audit.rows_for(meeting)
    audit.record("export_audit", now=utcnow(), user=current_user._get_current_object(), meeting=meeting,
                 target=f"meeting:{meeting.id}")
    response = Response(export.table_csv(audit.COLUMNS, rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="meeting-{meeting.id}-audit.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response
