"""A meeting and a beat's record as plain data: what the summary page, feeds and exports render.

Public summaries carry public issues only — never held or hidden posts, never moderation notes.
The staff export (`meeting_export`) carries everything except secrets (tokens, device and address hashes).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import distinct, func, select, union
from sqlalchemy.orm import selectinload

from pact.extensions import db
from pact.localtime import from_iso, iso
from pact.meetings.issues import CATEGORIES
from pact.meetings.progress import STATUS_LABELS, latest_update, verdict_counts
from pact.meetings.snapshot import answer_data, meeting_data
from pact.models import (
    Beat,
    Issue,
    Meeting,
    Participant,
    ParticipantRole,
    Priority,
    ProgressUpdate,
    Stage,
    Visibility,
    Vote,
    VoteKind,
)
from pact.wording import N_
from pact.wording import translate as _t

EXPORT_FORMAT = "pact-live-meeting"
EXPORT_VERSION = 2  # 2: `meeting` is the one meeting shape (SNAPSHOT's): `beat` the name, `beat_slug`


def _counts(meeting_id: int, kind: VoteKind) -> dict[int, int]:
    rows = db.session.execute(
        select(Vote.issue_id, func.count(Vote.id)).join(Issue, Issue.id == Vote.issue_id)
        .where(Issue.meeting_id == meeting_id, Vote.kind == kind).group_by(Vote.issue_id))
    return {int(target): int(count) for target, count in rows.all() if target is not None}


def attendance(meeting: Meeting) -> dict[str, int]:
    """Engagement figures: peak watching, residents who joined, came back, and took part."""
    residents = select(Participant.id).where(Participant.meeting_id == meeting.id,
                                             Participant.role == ParticipantRole.RESIDENT)
    posted = select(Issue.participant_id).where(Issue.meeting_id == meeting.id, Issue.participant_id.in_(residents))
    voted = select(Vote.participant_id).join(Issue, Issue.id == Vote.issue_id).where(
        Issue.meeting_id == meeting.id, Vote.participant_id.in_(residents))
    took_part = union(posted, voted).subquery()
    return {
        "peak_watching": meeting.peak_watching,
        "residents_joined": db.session.scalar(select(func.count()).select_from(residents.subquery())) or 0,
        "residents_returning": db.session.scalar(select(func.count()).select_from(
            residents.where(Participant.joins > 1).subquery())) or 0,
        "residents_took_part": db.session.scalar(select(func.count(distinct(took_part.c[0])))) or 0,
    }


def priority_data(priority: Priority, *, verdicts: dict[str, int] | None = None) -> dict[str, Any]:
    """An agreed priority as the summary, beat record and exports show it, with its latest progress."""
    latest = latest_update(priority)
    data = {
        "id": priority.id, "position": priority.position, "issue_id": priority.issue_id, "text": priority.text,
        "votes": priority.votes, "action": priority.action, "owner": priority.owner,
        "review_on": priority.review_on.isoformat() if priority.review_on else None,
        "status": priority.status.value, "status_label": STATUS_LABELS[priority.status],
        "agreed_at": iso(priority.agreed_at), "updated_at": iso(priority.updated_at),
        "latest_progress": progress_data(latest) if latest else None,
    }
    if verdicts is not None:
        data["verdicts"] = verdicts
    return data


def progress_data(update: ProgressUpdate) -> dict[str, Any]:
    """One progress update: status (and its label), note, who and when."""
    return {"id": update.id, "status": update.status.value, "status_label": STATUS_LABELS[update.status],
            "note": update.note, "by": update.by_name, "at": iso(update.created_at)}


def _issues(meeting: Meeting, *, public_only: bool) -> list[Issue]:
    query = select(Issue).where(Issue.meeting_id == meeting.id).options(
        selectinload(Issue.author), selectinload(Issue.answer)).order_by(Issue.created_at, Issue.id)
    if public_only:
        query = query.where(Issue.visibility == Visibility.PUBLIC, Issue.merged_into_id.is_(None))
    return list(db.session.scalars(query))


def _issue_data(issue: Issue, support: dict[int, int], priority: dict[int, int], merged: dict[int, int]) -> dict:
    return {
        "id": issue.id, "text": issue.text, "category": issue.category,
        "category_label": CATEGORIES.get(issue.category, issue.category), "author": issue.author.display_name,
        "support": support.get(issue.id, 0), "priority_votes": priority.get(issue.id, 0),
        "shortlisted": issue.shortlisted, "duplicates_merged": merged.get(issue.id, 0), "created_at": iso(issue.created_at),
        "answer": answer_data(issue.answer),
    }


def _merged_counts(meeting: Meeting) -> dict[int, int]:
    rows = db.session.execute(select(Issue.merged_into_id, func.count(Issue.id)).where(
        Issue.meeting_id == meeting.id, Issue.merged_into_id.is_not(None)).group_by(Issue.merged_into_id))
    return {int(target): int(count) for target, count in rows.all() if target is not None}


def meeting_summary(meeting: Meeting) -> dict[str, Any]:
    """The public summary of a meeting: attendance, public issues with answers, agreed priorities."""
    support, priority = _counts(meeting.id, VoteKind.SUPPORT), _counts(meeting.id, VoteKind.PRIORITY)
    merged = _merged_counts(meeting)
    issues = [_issue_data(i, support, priority, merged) for i in _issues(meeting, public_only=True)]
    answered = sum(1 for i in issues if i["answer"])
    return {
        "meeting": meeting_data(meeting),
        "attendance": attendance(meeting),
        "figures": {"issues_raised": len(issues), "issues_answered": answered,
                    "answered_share": round(answered / len(issues), 2) if issues else None},
        "issues": issues,
        "priorities": [priority_data(p) for p in meeting.priorities],
    }


def meeting_export(meeting: Meeting) -> dict[str, Any]:
    """Everything staff need to archive a meeting, including held and hidden posts and verdicts."""
    support, priority = _counts(meeting.id, VoteKind.SUPPORT), _counts(meeting.id, VoteKind.PRIORITY)
    merged = _merged_counts(meeting)
    issues = []
    for issue in _issues(meeting, public_only=False):
        data = _issue_data(issue, support, priority, merged)
        data.update({"visibility": issue.visibility.value, "status": issue.status, "hold_reason": issue.hold_reason,
                     "moderation_reason": issue.moderation_reason, "merged_into": issue.merged_into_id,
                     "original_text": issue.original_text,
                     "author_role": issue.author.role.value})
        issues.append(data)
    counts = verdict_counts([p.id for p in meeting.priorities])
    summary = meeting_summary(meeting)
    return {
        "format": EXPORT_FORMAT, "version": EXPORT_VERSION,
        "meeting": summary["meeting"],
        "attendance": summary["attendance"], "figures": summary["figures"], "issues": issues,
        "priorities": [{**priority_data(p, verdicts=counts[p.id]), "updates": [progress_data(u) for u in p.updates]}
                       for p in meeting.priorities],
    }


def beat_record(beat: Beat) -> list[dict[str, Any]]:
    """"You said, we did": each closed meeting of the beat, newest first, with its priorities."""
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.beat_id == beat.id, Meeting.stage == Stage.CLOSED)
        .options(selectinload(Meeting.priorities).selectinload(Priority.updates))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    ).all()
    return [{"meeting": meeting_data(m), "priorities": [priority_data(p) for p in m.priorities]}
            for m in meetings if m.priorities]


def feed_items(beat: Beat, *, limit: int = 50) -> list[dict[str, Any]]:
    """The beat's published summaries and progress updates, newest first, as plain data; their
    titles and summaries in the reader's language (the feed's `?lang=` or Accept-Language)."""
    items: list[dict[str, Any]] = []
    for record in beat_record(beat):
        meeting = record["meeting"]
        lines = [(_t(N_("%(position)s. %(text)s — action: %(action)s (owner: %(owner)s)")) if p["owner"]
                  else _t(N_("%(position)s. %(text)s — action: %(action)s"))) % p for p in record["priorities"]]
        items.append({"kind": "summary", "meeting_id": meeting["id"],
                      "title": _t(N_("Agreed priorities: %(title)s")) % {"title": meeting["title"]},
                      "updated": from_iso(meeting["closed_at"] or meeting["starts_at"]),
                      "summary": _t(N_("The meeting agreed these priorities:")) + "\n" + "\n".join(lines),
                      "author": None})
    updates = db.session.execute(
        select(Priority, Meeting).join(Meeting, Meeting.id == Priority.meeting_id)
        .where(Meeting.beat_id == beat.id, Meeting.stage == Stage.CLOSED)
        .options(selectinload(Priority.updates))
    ).all()
    for priority, meeting in updates:
        for update in priority.updates:
            items.append({"kind": "progress", "meeting_id": meeting.id, "priority_id": priority.id,
                          "update_id": update.id, "updated": update.created_at,
                          "title": f"{_t(STATUS_LABELS[update.status])}: {priority.text[:80]}",
                          "summary": _t(N_("Priority: %(text)s\nAction promised: %(action)s\nProgress (%(status)s): "
                                           "%(note)s")) % {"text": priority.text, "action": priority.action,
                                                           "status": _t(STATUS_LABELS[update.status]),
                                                           "note": update.note},
                          "author": update.by_name})
    items.sort(key=lambda i: i["updated"], reverse=True)
    return items[:limit]


def upcoming_meetings(beat: Beat, *, now: datetime, stale_after_days: int = 7) -> list[Meeting]:
    """Meetings not yet closed, soonest first; a scheduled one long past its date is left out."""
    return list(db.session.scalars(
        select(Meeting).where(
            Meeting.beat_id == beat.id, Meeting.stage.not_in([Stage.CLOSED, Stage.CANCELLED]),
            (Meeting.starts_at >= now - timedelta(days=stale_after_days)) | Meeting.stage.in_([Stage.LIVE, Stage.VOTING]),
        ).order_by(Meeting.starts_at, Meeting.id)
    ))
