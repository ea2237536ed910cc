"""Sharing a meeting: its QR code, a printable A4 poster, and the beat's events for police.uk tools.

Absolute addresses come from `absolute_url`, built on PACT_BASE_URL (never the request's Host).
"""
from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, Response, current_app, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from pact import export, localtime
from pact.meetings.directory import find_beat
from pact.meetings.errors import worded
from pact.meetings.participants import get_meeting
from pact.models import Meeting, Stage, utcnow
from pact.scheduling import queries
from pact.scheduling.streams import recognise
from pact.urls import absolute_url, uid_domain
from pact.wording import N_

sharing_bp = Blueprint("sharing", __name__)


def room_url(meeting: Meeting) -> str:
    """The meeting room's absolute address (for QR codes, posters and calendars)."""
    return absolute_url("public.room", meeting_id=meeting.id)


def calendar_event(meeting: Meeting) -> dict[str, Any]:
    """One meeting as the calendar renderer's plain data (the beat's feed and "add to calendar")."""
    return {"id": meeting.id, "title": meeting.title, "starts_at": meeting.starts_at, "ends_at": meeting.ends_at,
            "description": meeting.description, "venue": meeting.venue, "dial_in": meeting.dial_in,
            "sequence": meeting.sequence, "cancelled": meeting.stage is Stage.CANCELLED,
            "cancel_reason": meeting.cancel_reason, "url": room_url(meeting)}


@sharing_bp.app_context_processor
def _sharing_helpers() -> dict[str, Any]:
    providers = current_app.config.get("STREAM_PROVIDERS") or ()
    return {"share_url": room_url, "utcnow": utcnow,
            "beat_url": lambda beat: absolute_url("public.beat", slug=beat.slug),
            "stream_of": lambda meeting: recognise(meeting.stream_url, providers)}


def qr_svg(text: str, *, title: str) -> bytes:
    """A QR code (medium error correction, quiet zone of 4) as a standalone SVG."""
    import segno  # here: only sharing pages need it

    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="svg", scale=10, border=4, dark="#000", light="#fff", title=title,
                                     xmldecl=True, svgns=True, nl=True)
    return out.getvalue()


@sharing_bp.get("/meetings/<int:meeting_id>/qr.svg")
def qr(meeting_id: int) -> ResponseReturnValue:
    """Public: a QR code of the room's address, for posters, slides and newsletters."""
    meeting = get_meeting(meeting_id)
    response = Response(qr_svg(room_url(meeting), title=gettext("QR code: %(title)s", title=meeting.title)),
                        mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@sharing_bp.get("/meetings/<int:meeting_id>/poster")
def poster(meeting_id: int) -> ResponseReturnValue:
    """Public: an A4 poster (one printed page) with title, time, place, QR code and the address."""
    meeting = get_meeting(meeting_id)
    if meeting.stage is Stage.CANCELLED:
        raise worded("not_found", N_("This meeting was cancelled, so it has no poster. Reason given: %(reason)s"),
                     {"reason": meeting.cancel_reason})
    return render_template("public/poster.html", meeting=meeting, room_url=room_url(meeting))


@sharing_bp.get("/meetings/<int:meeting_id>/calendar.ics")
def meeting_calendar(meeting_id: int) -> ResponseReturnValue:
    """Public: this one meeting as an iCalendar file ("add to calendar"); same UID as the beat's feed."""
    meeting = get_meeting(meeting_id)
    body = export.calendar_ics({"slug": meeting.beat.slug, "name": meeting.beat.name}, [calendar_event(meeting)],
                               host=uid_domain(), now=utcnow())
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="pact-meeting-{meeting.id}.ics"'
    response.headers["Cache-Control"] = "no-cache"
    return response


@sharing_bp.get("/beats/<slug>/events.json")
def events_json(slug: str) -> ResponseReturnValue:
    """Public: the beat's meetings in the data.police.uk neighbourhood-events shape (local time, no zone)."""
    beat = find_beat(slug)
    rows = [{"title": m.title, "description": m.description, "venue": m.venue, "starts_at": m.starts_at,
             "ends_at": m.ends_at, "url": room_url(m), "dial_in": m.dial_in, "beat": beat.name}
            for m in queries.beat_events(beat)]
    body = export.json_text(export.police_uk_events(rows, tz=localtime.zone()))
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{beat.slug}-events.json"'
    response.headers["Cache-Control"] = "no-cache"
    return response
