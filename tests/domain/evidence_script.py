"""Two scripted meetings of one beat, driven through the domain services, whose figures are known.

Meeting 1 (1 Nov): Ann (browser a), Ben (browser b), Cat (no browser key) join; a browser c only
watches. Ann posts "Speeding on Mill Lane" (answered after 12 minutes) and "Litter in the park"
(answered after 30 minutes); Ben posts "Bins not collected" (never answered) and a post with a
phone number (held, code phone_number); Cat posts one that an officer hides. Ben and Cat vote.
Priorities: speeding (review 10 Nov, done on 8 Nov → on time) and litter (review 10 Nov, done on 20
Nov → late); bins (no review date, carried over).
Meeting 2 (1 Dec): Ann again (browser a: returning), Dan (browser d: new), Eve (no key: new).
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from pact.extensions import db
from pact.meetings import issues, moderation, priorities, progress, stages, voting
from pact.meetings.directory import schedule_meeting
from pact.meetings.participants import hash_secret, join_resident
from pact.models import MeetingViewer, Stage

FIRST = datetime(2026, 11, 1, 19, 0, tzinfo=UTC)
SECOND = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)


def at(start: datetime, minutes: float) -> datetime:
    return start + timedelta(minutes=minutes)


def join(meeting, name, device, minutes=0):
    participant, _ = join_resident(meeting, name, now=at(meeting.starts_at, minutes),
                                   device_hash=hash_secret(device) if device else None)
    return participant


def script_first(beat, officer):
    meeting = schedule_meeting(beat, "November PACT", FIRST, stage=Stage.LIVE)
    meeting.peak_watching = 7
    ann, ben, cat = join(meeting, "Ann", "a"), join(meeting, "Ben", "b"), join(meeting, "Cat", None)
    db.session.add(MeetingViewer(meeting_id=meeting.id, device_hash=hash_secret("c"), first_seen_at=FIRST))
    db.session.add(MeetingViewer(meeting_id=meeting.id, device_hash=hash_secret("a"), first_seen_at=FIRST))
    speeding = issues.post_issue(meeting, ann, "Speeding on Mill Lane", now=at(FIRST, 5)).issue
    litter = issues.post_issue(meeting, ann, "Litter in the park", now=at(FIRST, 10)).issue
    bins = issues.post_issue(meeting, ben, "Bins not collected", now=at(FIRST, 15)).issue
    held = issues.post_issue(meeting, ben, "Call me on 07700 900123 about it", now=at(FIRST, 16)).issue
    rude = issues.post_issue(meeting, cat, "Something rude", now=at(FIRST, 17)).issue
    moderation.moderate_issue(meeting, rude.id, "hide", "Off topic", user=officer, now=at(FIRST, 18))
    issues.answer_issue(meeting, speeding.id, "We will patrol", user=officer, now=at(FIRST, 17))
    issues.answer_issue(meeting, litter.id, "Council told", user=officer, now=at(FIRST, 40))
    voting.cast_vote(meeting, ben, speeding.id, now=at(FIRST, 20))
    voting.cast_vote(meeting, cat, speeding.id, now=at(FIRST, 21))
    stages.change_stage(meeting, Stage.VOTING, now=at(FIRST, 45))
    agreed = priorities.close_meeting(meeting, [
        {"issue_id": speeding.id, "action": "Patrols", "review_on": "2026-11-10"},
        {"issue_id": litter.id, "action": "Clean-up", "review_on": "2026-11-10"},
        {"issue_id": bins.id, "action": "Ask the council"},
    ], user=officer, now=at(FIRST, 60))
    progress.post_progress(agreed[0], "done", "Patrolled", user=officer, now=datetime(2026, 11, 8, tzinfo=UTC))
    progress.post_progress(agreed[1], "done", "Cleaned", user=officer, now=datetime(2026, 11, 20, tzinfo=UTC))
    progress.post_progress(agreed[2], "carried_over", "Next time", user=officer,
                           now=datetime(2026, 11, 20, tzinfo=UTC))
    db.session.flush()
    return meeting, {"held": held, "speeding": speeding, "litter": litter, "bins": bins, "priorities": agreed}


def script_second(beat):
    meeting = schedule_meeting(beat, "December PACT", SECOND, stage=Stage.LIVE)
    people = [join(meeting, "Ann", "a"), join(meeting, "Dan", "d"), join(meeting, "Eve", None)]
    db.session.flush()
    return meeting, people


TODAY = date(2026, 12, 2)
