"""Posting issues and answering them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from pact.extensions import db
from pact.meetings import audit, duplicates, safeguarding, stages
from pact.meetings.errors import not_found, worded
from pact.meetings.lookup import find
from pact.meetings.participants import require_active
from pact.meetings.permissions import require_moderator
from pact.meetings.text import LIMITS, clean_text
from pact.models import Answer, Issue, Meeting, ModerationMode, Participant, Stage, User, Visibility
from pact.wording import N_

ISSUE_LIMIT = LIMITS["issue"]
ANSWER_LIMIT = LIMITS["answer"]

CATEGORIES: dict[str, str] = {
    "asb": N_("Anti-social behaviour"),
    "traffic": N_("Roads and parking"),
    "drugs": N_("Drugs"),
    "burglary": N_("Burglary and theft"),
    "environment": N_("Litter, graffiti and fly-tipping"),
    "safety": N_("Feeling safe"),
    "other": N_("Something else"),
}


@dataclass(frozen=True)
class Posted:
    """What `post_issue` made: the issue, and when it was held, why (the code) and what its author is told."""
    issue: Issue
    hold_message: str | None  # what the author is told when the post is held
    hold: str | None = None  # the hold code (safeguarding.CODES) when held


def parse_category(raw: object) -> str:
    """The category a post chose (`other` when none); raises `invalid_category` for one not in CATEGORIES."""
    if raw is None or raw == "":
        return "other"
    if not isinstance(raw, str) or raw not in CATEGORIES:
        raise worded("invalid_category", N_("Choose a category from the list (%(choices)s)."), {"choices": ", ".join(CATEGORIES)})
    return raw


def get_issue(meeting: Meeting, issue_id: object) -> Issue:
    """An issue of this meeting; another meeting's issue is as unknown as a missing one.

    Raises `invalid_payload` (the id is not a whole number) or `not_found`."""
    issue = find(Issue, issue_id, field="issue_id", what=N_("issue"))
    if issue.meeting_id != meeting.id:
        raise not_found(N_("issue"))
    return issue


def post_issue(
    meeting: Meeting, author: Participant, raw_text: object, raw_category: object = None, *,
    now: datetime, max_length: int = ISSUE_LIMIT, policy: safeguarding.Policy = safeguarding.DEFAULT,
    duplicate_window: timedelta = duplicates.WINDOW,
) -> Posted:
    """Record a resident's issue; it is held for an officer when safeguarding or pre-moderation says so.

    `policy` carries the force's word list and wording; the same text again within
    `duplicate_window` is refused as `duplicate`. Raises `muted` / `forbidden` (removed) for the
    author, `wrong_stage` (not scheduled or live), `empty` / `too_long` / `invalid_characters` for the
    text, `invalid_category`, `duplicate`. A held post is not a refusal: `Posted.hold` says why."""
    require_active(author, doing=N_("post"))
    if not stages.can_post(meeting):
        stages.require_stage(meeting, Stage.SCHEDULED, Stage.LIVE, doing=N_("post a new issue"))
    text = clean_text(raw_text, field="issue", max_length=max_length)
    category = parse_category(raw_category)
    duplicates.refuse_repeat(meeting, author, text, now=now, window=duplicate_window)
    issue = Issue(meeting=meeting, author=author, text=text, category=category, created_at=now)
    hold = None if author.is_staff else safeguarding.check_post(text, policy)
    if hold is None and meeting.moderation is ModerationMode.PREMODERATED and not author.is_staff:
        hold = policy.hold("premoderated")
    if hold is not None:
        issue.visibility, issue.hold_reason = Visibility.HELD, hold.code
    db.session.add(issue)
    db.session.flush()
    set_committed_value(issue, "referrals", [])  # a new issue has none: no query when its ISSUE is built
    if hold is not None:
        audit.record("hold", now=now, participant=author, meeting=meeting, target=f"issue:{issue.id}",
                     reason=hold.code, hold=hold.code)
    return Posted(issue, hold.message if hold else None, hold.code if hold else None)


def answer_issue(meeting: Meeting, issue_id: object, raw_text: object, *, user: User, now: datetime) -> Issue:
    """An officer's written answer; answering again replaces the earlier words.

    Raises `forbidden` (not an officer of the beat), `wrong_stage` (closed or cancelled),
    `invalid_payload` / `not_found` for the issue, `empty` / `too_long` / `invalid_characters` for the answer."""
    require_moderator(user, meeting)
    stages.require_stage(meeting, Stage.SCHEDULED, Stage.LIVE, Stage.VOTING, doing=N_("answer"))
    issue = get_issue(meeting, issue_id)
    text = clean_text(raw_text, field="answer", max_length=ANSWER_LIMIT)
    if issue.answer is None:
        issue.answer = Answer(user=user, by_name=user.display_name, text=text, created_at=now, updated_at=now)
    else:
        issue.answer.text, issue.answer.updated_at = text, now
        issue.answer.user, issue.answer.by_name = user, user.display_name
    audit.record("answer", now=now, user=user, meeting=meeting, target=f"issue:{issue.id}", reason=text)
    db.session.flush()
    return issue


def public_issues(meeting: Meeting) -> list[Issue]:
    """The meeting's public issues that are not merged away, oldest first."""
    return list(
        db.session.scalars(
            select(Issue).where(
                Issue.meeting_id == meeting.id, Issue.visibility == Visibility.PUBLIC, Issue.merged_into_id.is_(None)
            ).order_by(Issue.created_at)
        )
    )
