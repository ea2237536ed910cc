"""The meeting as plain data: SNAPSHOT and ISSUE in the shapes CONTRACT.md names."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from pact.extensions import db
from pact.meetings.progress import review_items
from pact.meetings.voting import my_votes, tallies, tallies_by_kind, vote_kind
from pact.models import Issue, Meeting, Participant, Stage, Visibility, VoteKind


def iso(dt) -> str | None:
    return dt.isoformat(timespec="seconds").replace("+00:00", "Z") if dt else None


def issue_data(issue: Issue, votes: int, *, support: int | None = None, my_vote: bool | None = None,
               for_staff: bool = False, for_author: bool = False) -> dict[str, Any]:
    """ISSUE. Moderation details go only to staff and to the post's own author."""
    data: dict[str, Any] = {
        "id": issue.id,
        "text": issue.text,
        "category": issue.category,
        "author": issue.author.display_name,
        "votes": votes,
        "support": votes if support is None else support,
        "status": issue.status,
        "shortlisted": issue.shortlisted,
        "created_at": iso(issue.created_at),
        "answer": (
            {"text": issue.answer.text, "by": issue.answer.by_name, "at": iso(issue.answer.updated_at)}
            if issue.answer else None
        ),
    }
    if for_staff or for_author:
        data["hold_reason"] = issue.hold_reason
        data["moderation_reason"] = issue.moderation_reason
        data["merged_into"] = issue.merged_into_id
        data["mine"] = for_author
    if for_staff:
        data["author_id"] = issue.participant_id
    if my_vote is not None:
        data["my_vote"] = my_vote
    return data


def redacted_issue(issue: Issue) -> dict[str, Any]:
    """What residents learn when an issue leaves public view: only that it went, never its words."""
    return {"id": issue.id, "text": "", "category": issue.category, "author": "", "votes": 0, "support": 0,
            "status": issue.status, "shortlisted": False, "created_at": iso(issue.created_at), "answer": None}


def meeting_data(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.id,
        "title": meeting.title,
        "beat": meeting.beat.name,
        "beat_slug": meeting.beat.slug,
        "stage": meeting.stage.value,
        "starts_at": iso(meeting.starts_at),
        "moderation": meeting.moderation.value,
        "votes_per_resident": meeting.votes_per_resident,
    }


def counts_for(meeting: Meeting) -> dict[int, int]:
    """The counts `votes` and `tallies` carry in the current stage (priority votes while voting)."""
    return tallies(meeting.id, vote_kind(meeting))


def snapshot(meeting: Meeting, viewer: Participant | None, *, watching: int) -> dict[str, Any]:
    """SNAPSHOT for one viewer: public issues, plus everything for staff, plus the viewer's own posts."""
    is_staff = viewer is not None and viewer.is_staff
    query = (
        select(Issue)
        .where(Issue.meeting_id == meeting.id)
        .options(joinedload(Issue.author), joinedload(Issue.answer))  # one query: a join storm is costly
        .order_by(Issue.created_at, Issue.id)
    )
    counts = tallies_by_kind(meeting.id)
    support = counts[VoteKind.SUPPORT]
    current = support if meeting.stage is not Stage.VOTING else counts[VoteKind.PRIORITY]
    mine = my_votes(meeting, viewer, vote_kind(meeting)) if viewer is not None else set()
    issues = []
    for issue in db.session.scalars(query):
        own = viewer is not None and issue.participant_id == viewer.id
        if not (issue.is_public or is_staff or (own and issue.visibility is not Visibility.PUBLIC)):
            continue
        issues.append(issue_data(
            issue, current.get(issue.id, 0), support=support.get(issue.id, 0),
            my_vote=(issue.id in mine) if viewer is not None else None,
            for_staff=is_staff, for_author=own,
        ))
    return {"meeting": meeting_data(meeting), "issues": issues, "presence": {"watching": watching},
            "review": review_items(meeting, viewer)}


def participant_data(participant: Participant) -> dict[str, Any]:
    return {
        "id": participant.id,
        "display_name": participant.display_name,
        "role": participant.role.value,
        "muted": participant.muted,
    }
