"""The meeting's life: scheduled → live → voting → closed (or scheduled → cancelled), and what each stage allows."""
from __future__ import annotations

from datetime import datetime

from pact.meetings.addresses import forget_addresses
from pact.meetings.errors import DomainError, worded
from pact.meetings.lookup import member
from pact.models import Meeting, Stage
from pact.wording import N_

# voting → live lets officers go back to discussion if the shortlist needs more talk.
TRANSITIONS: dict[Stage, set[Stage]] = {
    Stage.SCHEDULED: {Stage.LIVE, Stage.CANCELLED},  # cancelling: pact/scheduling/ (needs a reason)
    Stage.LIVE: {Stage.VOTING, Stage.CLOSED},
    Stage.VOTING: {Stage.LIVE, Stage.CLOSED},
    Stage.CLOSED: set(),
    Stage.CANCELLED: set(),
}

# How a sentence says the stage a meeting is in ("the meeting is closed"); translated where shown.
STAGE_STATES = {
    Stage.SCHEDULED: N_("scheduled"),
    Stage.LIVE: N_("live"),
    Stage.VOTING: N_("voting on priorities"),
    Stage.CLOSED: N_("closed"),
    Stage.CANCELLED: N_("cancelled"),
}
STAGE_LABELS = {
    Stage.SCHEDULED: N_("Scheduled"),
    Stage.LIVE: N_("Live — raise and support issues"),
    Stage.VOTING: N_("Voting on priorities"),
    Stage.CLOSED: N_("Closed"),
    Stage.CANCELLED: N_("Cancelled"),
}


def can_post(meeting: Meeting) -> bool:
    """Residents may post early, while scheduled, and during the live discussion."""
    return meeting.stage in (Stage.SCHEDULED, Stage.LIVE)


def require_stage(meeting: Meeting, *allowed: Stage, doing: str) -> None:
    """Refuse unless the meeting is in one of `allowed`: raises `wrong_stage` (with `stage`), naming what it was
    `doing`."""
    if meeting.stage not in allowed:
        raise worded("wrong_stage", N_("You cannot %(doing)s now: the meeting is %(stage)s."),
                     {"doing": doing, "stage": STAGE_STATES[meeting.stage]}, stage=meeting.stage.value)


def parse_stage(raw: str) -> Stage:
    """A stage by its value; raises `invalid_payload` for an unknown one."""
    return member(Stage, raw, code="invalid_payload", message=f"Unknown stage {raw!r}.")


def change_stage(meeting: Meeting, target: Stage, *, now: datetime) -> bool:
    """Move the meeting to `target`; returns False when it is already there (nothing to announce).

    Raises `wrong_stage` for a move the stage machine does not allow (TRANSITIONS)."""
    if meeting.stage is target:
        return False
    if target not in TRANSITIONS[meeting.stage]:
        raise DomainError(
            "wrong_stage",
            f"A {meeting.stage.value} meeting cannot move to {target.value}.",
            stage=meeting.stage.value,
        )
    meeting.stage = target
    if target is Stage.LIVE and meeting.opened_at is None:
        meeting.opened_at = now
    elif target is Stage.VOTING:
        meeting.voting_at = now
    elif target is Stage.CLOSED:
        meeting.closed_at = now
        forget_addresses(meeting.id)  # kept for the live meeting's limits only (addresses.py)
    return True
