"""Officers refer a meeting's issues to partner agencies and record what the partner did."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from pact.evidence import referrals
from pact.extensions import db
from pact.live import broadcast
from pact.meetings import voting
from pact.meetings.errors import DomainError, http_status
from pact.meetings.issues import public_issues
from pact.meetings.participants import get_meeting
from pact.meetings.permissions import can_moderate
from pact.models import Issue, Meeting, ReferralStatus, VoteKind, utcnow
from pact.views.evidence import partners
from pact.views.staff import meeting_for_staff
from pact.views.unit_of_work import after_commit, discard

referrals_bp = Blueprint("referrals", __name__)


def _page(meeting, error: str | None = None, status: int = 200):
    rows = [referrals.referral_row(r, partners()) for r in referrals.referrals_for([meeting.id])]
    return render_template("evidence/referrals.html", meeting=meeting, issues=public_issues(meeting), rows=rows,
                           partners=partners(),
                           statuses=[(s.value, referrals.STATUS_LABELS[s]) for s in ReferralStatus],
                           can_refer=can_moderate(current_user, meeting), error=error), status


def _announce(issue: Issue, meeting: Meeting) -> None:
    """The room's copy of the issue gains (or updates) its `referred_to`, once this request commits."""
    db.session.expire(issue, ["referrals"])
    kind = voting.vote_kind(meeting)
    votes = voting.issue_votes(issue, kind)
    support = voting.issue_votes(issue, VoteKind.SUPPORT) if kind is not VoteKind.SUPPORT else votes
    after_commit(broadcast.issue_updated(issue, votes, support))


def _apply(meeting, change, done: str):
    """Run one officer's change to a referral (`change` returns it): on success tell the room, say
    `done` and go back to the referrals page; a refusal shows the page again with its message
    (`forbidden` as the error page: not theirs to see)."""
    try:
        referral = change()
    except DomainError as exc:
        discard()
        if exc.code == "forbidden":
            raise
        return _page(meeting, exc.message, http_status(exc))
    _announce(referral.issue, meeting)
    flash(done, "success")
    return redirect(url_for("referrals.meeting_referrals", meeting_id=meeting.id))


@referrals_bp.get("/meetings/<int:meeting_id>/referrals")
@login_required
def meeting_referrals(meeting_id: int):
    """Staff of the beat: the meeting's referrals; officers also get the forms to refer and update."""
    meeting = meeting_for_staff(meeting_id, "Only staff of this beat can see its referrals.")
    return _page(meeting)


@referrals_bp.post("/meetings/<int:meeting_id>/referrals")
@login_required
def refer(meeting_id: int):
    """Officer of the beat: fields `issue_id`, `partner`, `note`, `csrf_token`."""
    meeting = get_meeting(meeting_id)
    return _apply(meeting, lambda: referrals.refer_issue(
        meeting, request.form.get("issue_id", type=int), request.form.get("partner"), request.form.get("note"),
        user=current_user, partners=partners(), now=utcnow()),
        "Referred. Residents now see this on the issue, in the room and in the meeting's summary.")


@referrals_bp.post("/referrals/<int:referral_id>/status")
@login_required
def update_status(referral_id: int):
    """Officer of the beat: field `status` (open, accepted, resolved, declined), `csrf_token`."""
    referral = referrals.get_referral(referral_id)
    meeting = get_meeting(referral.meeting_id)
    return _apply(meeting, lambda: referrals.update_referral(referral, request.form.get("status"), user=current_user,
                                                             now=utcnow()), "Referral status saved.")
