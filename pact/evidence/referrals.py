"""Referrals: an officer passes an issue to a partner agency (council, housing, highways, fire…).

The partners are a setting (`REFERRAL_PARTNERS`: key → the words residents read, e.g.
"the council"), passed in by the adapter. Residents see "Referred to the council" on the issue.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from pact.config import Defaults
from pact.extensions import db
from pact.meetings import audit
from pact.meetings.errors import DomainError, forbidden, not_found
from pact.meetings.issues import get_issue
from pact.meetings.lookup import find, parse_status
from pact.meetings.permissions import can_moderate
from pact.meetings.text import LIMITS, clean_text
from pact.models import Issue, Meeting, Referral, ReferralStatus, User
from pact.wording import N_

NOTE_LIMIT = LIMITS["note"]
DEFAULT_PARTNERS = Defaults.REFERRAL_PARTNERS
STATUS_LABELS = {ReferralStatus.OPEN: "Open", ReferralStatus.ACCEPTED: "Accepted by the partner",
                 ReferralStatus.RESOLVED: "Resolved", ReferralStatus.DECLINED: "Declined by the partner"}
REFERRED_TO = N_("Referred to %(partner)s")  # what residents read on a referred issue (room and summary)
OPEN_STATUSES = (ReferralStatus.OPEN, ReferralStatus.ACCEPTED)


def partner_name(partners: Mapping[str, str], key: str) -> str:
    """A partner's name as the pages say it, or its key when the force no longer lists it."""
    return partners.get(key, key)


def refer_issue(meeting: Meeting, issue_id: object, raw_partner: object, raw_note: object, *, user: User | None,
                partners: Mapping[str, str], now: datetime) -> Referral:
    """An officer of the beat refers a public issue to a partner, with a note (any stage).

    Raises `forbidden` (not an officer of the beat), `invalid_payload` / `not_found` for the issue,
    `wrong_state` (not public), `unknown_partner`, `duplicate` (already referred there), `too_long` for the
    note."""
    if not can_moderate(user, meeting):
        raise forbidden("Only an officer of this beat can refer an issue to a partner.")
    issue = get_issue(meeting, issue_id)
    if not issue.is_public:
        raise DomainError("wrong_state", "Only a public issue can be referred; approve or restore it first.")
    if not isinstance(raw_partner, str) or raw_partner not in partners:
        raise DomainError("unknown_partner", f"Choose a partner: {', '.join(sorted(partners))}.")
    note = clean_text(raw_note, field="referral note", max_length=NOTE_LIMIT)
    if db.session.scalar(select(Referral.id).where(Referral.issue_id == issue.id, Referral.partner == raw_partner)):
        raise DomainError("duplicate", f"This issue is already referred to {partners[raw_partner]}.")
    referral = Referral(issue_id=issue.id, meeting_id=meeting.id, partner=raw_partner, note=note, user_id=user.id,
                        by_name=user.display_name, created_at=now, updated_at=now)
    db.session.add(referral)
    audit.record("refer", now=now, user=user, meeting=meeting, target=f"issue:{issue.id}",
                 reason=f"{raw_partner}: {note}"[:500])
    db.session.flush()
    return referral


def get_referral(referral_id: object) -> Referral:
    """The referral `referral_id` names; raises `invalid_payload` (not a whole number) or `not_found`."""
    return find(Referral, referral_id, field="referral_id", what="referral")


def update_referral(referral: Referral, raw_status: object, *, user: User | None, now: datetime) -> Referral:
    """An officer of the beat records what the partner did (open, accepted, resolved, declined).

    Raises `not_found` (its meeting is gone), `forbidden` (not an officer of the beat), `invalid_status`."""
    meeting = db.session.get(Meeting, referral.meeting_id)
    if meeting is None:
        raise not_found("referral")
    if not can_moderate(user, meeting):
        raise forbidden("Only an officer of this beat can update its referrals.")
    status = parse_status(ReferralStatus, raw_status)
    referral.status, referral.updated_at = status, now
    audit.record("referral_status", now=now, user=user, meeting=meeting, target=f"referral:{referral.id}",
                 reason=status.value)
    db.session.flush()
    return referral


def referral_labels(issue_ids: list[int], partners: Mapping[str, str]) -> dict[int, list[str]]:
    """The partners each issue was referred to, in the setting's words: ["the council", …]; residents
    read them as REFERRED_TO ("Referred to the council"), translated where shown."""
    labels: dict[int, list[str]] = {}
    if not issue_ids:
        return labels
    for issue_id, partner in db.session.execute(
            select(Referral.issue_id, Referral.partner).where(Referral.issue_id.in_(issue_ids)).order_by(Referral.id)):
        labels.setdefault(issue_id, []).append(partner_name(partners, partner))
    return labels


def referrals_for(meeting_ids: list[int], *, scope: Select | None = None) -> list[Referral]:
    """The referrals of these meetings (or of the meetings `scope` selects), oldest first, with issue, meeting and
    beat loaded."""
    if not meeting_ids:
        return []
    return list(db.session.scalars(
        select(Referral).where(Referral.meeting_id.in_(scope if scope is not None else meeting_ids))
        .options(selectinload(Referral.issue).selectinload(Issue.meeting).selectinload(Meeting.beat))
        .order_by(Referral.created_at, Referral.id)))


def referral_row(referral: Referral, partners: Mapping[str, str]) -> dict[str, Any]:
    """One CSV/table row of plain data."""
    meeting = referral.issue.meeting
    return {
        "referral_id": referral.id, "beat": meeting.beat.slug, "meeting_id": meeting.id,
        "meeting_date": meeting.starts_at.date().isoformat(), "issue_id": referral.issue_id,
        "issue": referral.issue.text, "partner": referral.partner,
        "partner_name": partner_name(partners, referral.partner),
        "note": referral.note, "status": referral.status.value, "status_label": STATUS_LABELS[referral.status],
        "referred_by": referral.by_name, "referred_on": referral.created_at.date().isoformat(),
        "updated_on": referral.updated_at.date().isoformat(),
    }


def open_by_partner(referrals: list[Referral], partners: Mapping[str, str]) -> list[dict[str, Any]]:
    """Open (and accepted) referrals per partner, for the inspector."""
    counts = Counter(r.partner for r in referrals if r.status in OPEN_STATUSES)
    return [{"partner": key, "partner_name": partner_name(partners, key), "open": counts[key]}
            for key in sorted(set(partners) | set(counts))]
