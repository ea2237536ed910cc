"""Between meetings: officers' progress on each action, and residents' verdicts at the next meeting."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from pact.extensions import db
from pact.localtime import iso
from pact.meetings import audit, stages
from pact.meetings.errors import DomainError, forbidden, not_found
from pact.meetings.lookup import member, parse_status
from pact.meetings.participants import require_active
from pact.meetings.permissions import can_moderate
from pact.meetings.priorities import get_priority
from pact.meetings.text import LIMITS, clean_text
from pact.models import (
    Meeting,
    Participant,
    Priority,
    PriorityVerdict,
    ProgressStatus,
    ProgressUpdate,
    Stage,
    User,
    Verdict,
)
from pact.wording import N_

NOTE_LIMIT = LIMITS["note"]

STATUS_LABELS = {
    ProgressStatus.OPEN: N_("Open"),
    ProgressStatus.IN_PROGRESS: N_("In progress"),
    ProgressStatus.DONE: N_("Done"),
    ProgressStatus.CARRIED_OVER: N_("Carried over"),
}


def post_progress(priority: Priority, raw_status: object, raw_note: object, *, user: User, now: datetime) -> ProgressUpdate:
    """An officer of the beat (or an admin) reports progress; the priority takes the new status.

    Raises `forbidden`, `invalid_status`, `empty` / `too_long` / `invalid_characters` for the note."""
    if not can_moderate(user, priority.meeting):
        raise forbidden("Only an officer of this beat can post progress on its priorities.")
    status = parse_status(ProgressStatus, raw_status)
    note = clean_text(raw_note, field="progress note", max_length=NOTE_LIMIT)
    update = ProgressUpdate(priority=priority, user_id=user.id, by_name=user.display_name, status=status,
                            note=note, created_at=now)
    priority.status = status
    db.session.add(update)
    audit.record("progress", now=now, user=user, meeting=priority.meeting,
                 target=f"priority {priority.id}: {status.value}", reason=note[:500])
    db.session.flush()
    return update


def latest_update(priority: Priority) -> ProgressUpdate | None:
    """The most recent progress (updates are loaded in order of creation)."""
    return max(priority.updates, key=lambda u: (u.created_at, u.id), default=None)


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The beat's last closed meeting before this one: its priorities open this meeting's review."""
    return db.session.scalar(
        select(Meeting).where(
            Meeting.beat_id == meeting.beat_id, Meeting.id != meeting.id, Meeting.stage == Stage.CLOSED,
            Meeting.starts_at <= meeting.starts_at,
        ).order_by(Meeting.starts_at.desc(), Meeting.id.desc()).limit(1)
    )


def my_verdicts(viewer: Participant) -> dict[int, str]:
    """This participant's verdicts, by priority (a participant gives them only in their own meeting,
    on the previous meeting's priorities)."""
    return {pid: v.value for pid, v in db.session.execute(
        select(PriorityVerdict.priority_id, PriorityVerdict.verdict).where(PriorityVerdict.participant_id == viewer.id))}


def verdict_counts(priority_ids: list[int]) -> dict[int, dict[str, int]]:
    """Residents' verdicts per priority: `{priority_id: {"dealt_with": n, "not_dealt_with": n}}`, zeros included."""
    counts = {pid: {v.value: 0 for v in Verdict} for pid in priority_ids}
    if not priority_ids:
        return counts
    rows = db.session.execute(
        select(PriorityVerdict.priority_id, PriorityVerdict.verdict, func.count(PriorityVerdict.id))
        .where(PriorityVerdict.priority_id.in_(priority_ids))
        .group_by(PriorityVerdict.priority_id, PriorityVerdict.verdict)
    )
    for pid, verdict, n in rows:
        counts[pid][verdict.value] = n
    return counts


def review_items(meeting: Meeting, viewer: Participant | None) -> list[dict[str, Any]]:
    """The previous meeting's priorities as this meeting opens: action, latest progress, my verdict."""
    previous = previous_meeting(meeting)
    if previous is None or meeting.stage is Stage.CLOSED:
        return []
    priorities = list(previous.priorities)
    mine = my_verdicts(viewer) if viewer is not None else {}
    counts = verdict_counts([p.id for p in priorities]) if viewer is not None and viewer.is_staff else {}
    items = []
    for priority in priorities:
        latest = latest_update(priority)
        item = {
            "id": priority.id, "text": priority.text, "action": priority.action, "owner": priority.owner,
            "status": priority.status.value, "status_label": STATUS_LABELS[priority.status],
            "latest": {"note": latest.note, "status": latest.status.value, "by": latest.by_name,
                       "at": iso(latest.created_at)} if latest else None,
            "my_verdict": mine.get(priority.id),
        }
        if priority.id in counts:
            item["verdicts"] = counts[priority.id]
        items.append(item)
    return items


def record_verdict(meeting: Meeting, participant: Participant, priority_id: object, raw_verdict: object,
                   *, now: datetime) -> PriorityVerdict:
    """A resident says whether a previous priority was dealt with; saying it again changes their answer.

    Raises `wrong_stage` (this meeting closed or cancelled), `muted` / `forbidden` (removed, or staff),
    `not_found` (not a priority of the beat's previous meeting), `invalid_payload` (another verdict),
    `duplicate` (a concurrent first answer won; sending again works)."""
    if participant.is_staff:
        raise forbidden("Verdicts on the last meeting's priorities are for residents to give.")
    require_active(participant, doing=N_("give a verdict"))
    stages.require_stage(meeting, Stage.SCHEDULED, Stage.LIVE, Stage.VOTING, doing=N_("give a verdict"))
    verdict = member(Verdict, raw_verdict, code="invalid_payload",
                     message=N_("verdict must be 'dealt_with' or 'not_dealt_with'."))
    priority = get_priority(priority_id)
    previous = previous_meeting(meeting)
    if previous is None or priority.meeting_id != previous.id:
        raise not_found(N_("priority from the last meeting"))
    # Serialise one participant's verdicts (two tabs at once), as votes do.
    db.session.execute(select(Participant.id).where(Participant.id == participant.id).with_for_update())
    row = db.session.scalar(select(PriorityVerdict).where(
        PriorityVerdict.priority_id == priority.id, PriorityVerdict.participant_id == participant.id))
    if row is None:
        row = PriorityVerdict(priority_id=priority.id, participant_id=participant.id, verdict=verdict, created_at=now)
        try:
            with db.session.begin_nested():
                db.session.add(row)
        except IntegrityError:
            raise DomainError("duplicate", N_("Your verdict was already recorded; please try again.")) from None
    else:
        row.verdict, row.created_at = verdict, now
        db.session.flush()
    return row
