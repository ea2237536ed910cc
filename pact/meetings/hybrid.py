"""Hybrid meetings: the people in the hall take part through the officer.

The officer sets how many people are in the room (`room_size`), then enters the hall's show of
hands for an issue: support while the meeting is `live`, priority votes for a shortlisted issue
while it is `voting`. Counts are whole numbers from 0 to `room_size`; each entry is audited with
before and after. The online and in-room figures are kept apart, so everyone can see both, and the
ranking offered at close (static/closing.js) adds them, labelled as such. An officer can also type in an issue raised
from the floor; it is marked "raised in the room".
"""
from __future__ import annotations

from datetime import datetime

from pact.meetings import audit
from pact.meetings.errors import DomainError
from pact.meetings.issues import Posted, get_issue, post_issue
from pact.meetings.permissions import require_moderator
from pact.meetings.stages import require_stage
from pact.models import Issue, Meeting, Participant, Stage, User
from pact.wording import N_

MAX_ROOM_SIZE = 100_000  # more than any hall; a typo of extra zeros is refused


def _whole(value: object, what: str, *, upper: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError("invalid_count", f"The {what} is a whole number.")
    if not 0 <= value <= upper:
        raise DomainError("invalid_count", f"The {what} is between 0 and {upper:,}.", limit=upper)
    return value


def in_room(issue: Issue, stage: Stage) -> int:
    """ISSUE's `in_room`: the hall's hands for what the meeting is doing now (0 when none entered)."""
    return issue.in_room_votes if stage is Stage.VOTING else issue.in_room_support


def set_room_size(meeting: Meeting, count: object, *, user: User | None, now: datetime) -> int:
    """How many people are in the hall; refused below a show of hands already entered.

    Raises `forbidden` (not an officer of the beat), `wrong_stage` (closed or cancelled),
    `invalid_count` (not a whole number from 0 to MAX_ROOM_SIZE), `below_room_counts`."""
    require_moderator(user, meeting)
    require_stage(meeting, Stage.SCHEDULED, Stage.LIVE, Stage.VOTING, doing=N_("count the people in the room"))
    size = _whole(count, "number of people in the room", upper=MAX_ROOM_SIZE)
    counted = max([in_room(i, meeting.stage) for i in meeting.issues] or [0])
    if size < counted:
        raise DomainError("below_room_counts", f"{counted:,} hands are already entered for one issue; "
                                               f"correct that count before setting fewer than {counted:,} people.",
                          minimum=counted)
    before = meeting.room_size
    meeting.room_size = size
    audit.record("room_size", now=now, user=user, meeting=meeting, target=f"meeting:{meeting.id}",
                 reason=f"{'not set' if before is None else before} → {size}")
    return size


def record_room_count(meeting: Meeting, issue_id: object, count: object, *, user: User | None,
                      now: datetime) -> Issue:
    """The hall's show of hands for one issue, replacing any earlier count for this stage.

    Raises `forbidden` (not an officer of the beat), `wrong_stage` (not live or voting),
    `no_room_size` (the hall's size first), `invalid_payload` / `not_found` for the issue,
    `not_public`, `not_shortlisted` (while voting), `invalid_count` (above the hall's size)."""
    require_moderator(user, meeting)
    require_stage(meeting, Stage.LIVE, Stage.VOTING, doing=N_("enter the room's show of hands"))
    if meeting.room_size is None:
        raise DomainError("no_room_size", "Say how many people are in the room first.")
    issue = get_issue(meeting, issue_id)
    if not issue.is_public:
        raise DomainError("not_public", "Only public issues can have the room's hands.")
    if meeting.stage is Stage.VOTING and not issue.shortlisted:
        raise DomainError("not_shortlisted", "While voting, the room votes only on shortlisted issues.")
    hands = _whole(count, "show of hands", upper=meeting.room_size)
    field = "in_room_votes" if meeting.stage is Stage.VOTING else "in_room_support"
    before = getattr(issue, field)
    setattr(issue, field, hands)
    kind = "priority votes" if meeting.stage is Stage.VOTING else "support"
    audit.record("room_count", now=now, user=user, meeting=meeting, target=f"issue:{issue.id}",
                 reason=f"{kind} in the room: {before} → {hands} (of {meeting.room_size})")
    return issue


def raise_from_floor(meeting: Meeting, officer: Participant, raw_text: object, raw_category: object = None, *,
                     user: User | None, now: datetime) -> Posted:
    """An issue someone raised in the hall, typed in by an officer and marked as raised in the room.

    Raises `forbidden` (not an officer of the beat), and as `issues.post_issue` (`wrong_stage`,
    `empty`, `too_long`, `invalid_category`, `duplicate`…)."""
    require_moderator(user, meeting)
    posted = post_issue(meeting, officer, raw_text, raw_category, now=now)
    posted.issue.raised_in_room = True
    audit.record("raised_in_room", now=now, user=user, meeting=meeting, target=f"issue:{posted.issue.id}")
    return posted

