"""Pages anyone can read: home, beat pages, the meeting room."""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import Blueprint, current_app, make_response, render_template, request, send_from_directory
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from pact.extensions import db
from pact.i18n import translate
from pact.meetings import issues as issue_service
from pact.meetings import summary, voting
from pact.meetings.directory import find_beat
from pact.meetings.participants import get_meeting
from pact.meetings.permissions import can_moderate
from pact.meetings.progress import review_items
from pact.meetings.safeguarding import HOLD_LABELS, POLICY, policy_paragraphs
from pact.meetings.stages import STAGE_LABELS
from pact.meetings.text import LIMITS
from pact.models import Beat, Meeting, Stage, VoteKind, utcnow
from pact.security import DEVICE_COOKIE
from pact.views.room_messages import room_messages

public_bp = Blueprint("public", __name__)

@public_bp.app_context_processor
def _labels():
    return {"stage_labels": STAGE_LABELS, "categories": issue_service.CATEGORIES, "text_limits": LIMITS,
            "hold_labels": HOLD_LABELS}


@public_bp.get("/favicon.ico")
def favicon():
    """The site icon browsers ask for on every page (a real file in static/, cached for a day)."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=86400)


@public_bp.get("/")
def home():
    """GET /: the beats, and the meetings live now or coming up."""
    beats = db.session.scalars(select(Beat).order_by(Beat.name)).all()
    recent = utcnow() - timedelta(hours=12)
    meetings = db.session.scalars(
        select(Meeting)
        .where((Meeting.stage.in_([Stage.LIVE, Stage.VOTING]))
               | ((Meeting.stage == Stage.SCHEDULED) & (Meeting.starts_at >= recent)))
        .order_by(Meeting.starts_at)
        .limit(50)
    ).all()
    live = [m for m in meetings if m.stage in (Stage.LIVE, Stage.VOTING)]
    upcoming = [m for m in meetings if m.stage is Stage.SCHEDULED]
    return render_template("public/home.html", beats=beats, live=live, upcoming=upcoming)


@public_bp.get("/beats/<slug>")
def beat(slug: str):
    """GET /beats/<slug>: the beat's meetings, its "you said, we did" record and its outline."""
    beat = find_beat(slug)
    meetings = sorted(beat.meetings, key=lambda m: m.starts_at, reverse=True)
    return render_template("public/beat.html", beat=beat, meetings=meetings, record=summary.beat_record(beat),
                           outline=_outline(beat))


def _outline(beat: Beat) -> str | None:
    """The beat's area as an SVG outline drawn here (no map tiles), when a boundary was imported."""
    from pact.places import boundary_of
    from pact.places.outline import outline_svg

    area = boundary_of(beat)
    return outline_svg(area, label=gettext("Outline of the area %(beat)s covers", beat=beat.name)) if area is not None else None


@public_bp.get("/meetings/<int:meeting_id>")
def room(meeting_id: int):
    """The live room. Without JavaScript it still shows public issues and answers."""
    meeting = get_meeting(meeting_id)
    votes = voting.tallies(meeting.id, VoteKind.SUPPORT)
    # In the order the page's script first shows them (most shared), so nothing moves when it takes over.
    public = sorted(issue_service.public_issues(meeting), key=lambda issue: (-votes.get(issue.id, 0), issue.id))
    response = make_response(render_template(
        "public/room.html", meeting=meeting, issues=public, votes=votes,
        # A cancelled meeting has nothing left to run: its room only says so (and why).
        is_moderator=can_moderate(current_user, meeting) and meeting.stage is not Stage.CANCELLED,
        review=review_items(meeting, None), messages=room_messages(),
    ))
    # A per-browser id (HttpOnly) lets moderators keep a removed resident out under a new name.
    if not request.cookies.get(DEVICE_COOKIE):
        response.set_cookie(DEVICE_COOKIE, secrets.token_urlsafe(24), max_age=365 * 24 * 3600, httponly=True,
                            samesite="Lax", secure=request.is_secure)
    response.headers["Cache-Control"] = "no-store"
    return response


@public_bp.get("/moderation-policy")
def moderation_policy():
    """How posts are moderated and what is held; the force's wording from SAFEGUARDING_POLICY."""
    return render_template("public/moderation_policy.html",
                           paragraphs=policy_paragraphs(translate(current_app.config.get("SAFEGUARDING_POLICY") or POLICY)))
