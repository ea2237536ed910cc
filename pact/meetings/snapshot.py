"""The meeting as plain data: SNAPSHOT and ISSUE in the shapes CONTRACT.md names."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from pact.extensions import db
from pact.localtime import iso
from pact.meetings.hybrid import in_room
from pact.meetings.progress import my_verdicts, review_items
from pact.meetings.voting import my_votes, tallies, tallies_by_kind, vote_kind
from pact.models import Answer, Issue, Meeting, Participant, Stage, Visibility, VoteKind
from pact.scheduling.streams import recognise


def issue_data(issue: Issue, votes: int, *, support: int | None = None, my_vote: bool | None = None,
               for_staff: bool = False, for_author: bool = False) -> dict[str, Any]:
    """ISSUE. Moderation details go only to staff and to the post's own author."""
    data: dict[str, Any] = {
        "id": issue.id,
        "text": issue.text,
        "category": issue.category,
        "author": issue.author.display_name,
        "staff": issue.author.is_staff,  # the room shows a badge: a resident cannot pass as an officer
        "votes": votes,
        "support": votes if support is None else support,
        "status": issue.status,
        "shortlisted": issue.shortlisted,
        "in_room": in_room(issue, issue.meeting.stage),  # hybrid meetings: the hall's show of hands
        "raised_in_room": issue.raised_in_room,
        "referred_to": referred_to(issue),  # partners it was passed to: "Referred to the council"
        "created_at": iso(issue.created_at),
        "answer": answer_data(issue.answer),
    }
    if for_staff or for_author:
        data["hold_reason"] = issue.hold_reason
        data["moderation_reason"] = issue.moderation_reason
        data["merged_into"] = issue.merged_into_id
        data["mine"] = for_author
    if for_staff:
        data["author_id"] = issue.participant_id
        data["original_text"] = issue.original_text  # before an officer redacted it: staff of the beat only
    if my_vote is not None:
        data["my_vote"] = my_vote
    return data


def answer_data(answer: Answer | None) -> dict[str, Any] | None:
    """ISSUE's `answer`: `{"text", "by", "at"}`, or None while unanswered (also the summary's)."""
    return {"text": answer.text, "by": answer.by_name, "at": iso(answer.updated_at)} if answer else None


def redacted_issue(issue: Issue) -> dict[str, Any]:
    """What residents learn when an issue leaves public view: only that it went, never its words."""
    return {"id": issue.id, "text": "", "category": issue.category, "author": "", "staff": False, "votes": 0,
            "support": 0, "status": issue.status, "shortlisted": False, "in_room": 0, "raised_in_room": False,
            "referred_to": [], "created_at": iso(issue.created_at), "answer": None}


def referred_to(issue: Issue) -> list[dict[str, str]]:
    """ISSUE's `referred_to`: `[{"partner": key, "name": "the council", "status": "open"}, …]`, the
    partner's words from the REFERRAL_PARTNERS setting (the room shows "Referred to the council") and
    the referral's status as the officer last set it. Never the officer's note."""
    if not issue.referrals:
        return []
    from flask import current_app

    partners = current_app.config.get("REFERRAL_PARTNERS") or {}
    return [{"partner": r.partner, "name": partners.get(r.partner, r.partner), "status": r.status.value}
            for r in issue.referrals]


def stream_data(meeting: Meeting) -> dict[str, str | None] | None:
    """SNAPSHOT's `stream`: the provider, the watch link, and the embed (None unless the provider is configured)."""
    from flask import current_app

    stream = recognise(meeting.stream_url, current_app.config.get("STREAM_PROVIDERS") or ())
    return stream.as_data() if stream else None


def meeting_data(meeting: Meeting) -> dict[str, Any]:
    """The one meeting shape: SNAPSHOT's `meeting` (CONTRACT.md: `beat` is the beat's name), also
    the `meeting` of the summary, the beat's record, the feeds and the staff export. Times are
    ISO 8601 with an offset, or None when that has not happened (yet)."""
    return {
        "id": meeting.id,
        "title": meeting.title,
        "beat": meeting.beat.name,
        "beat_slug": meeting.beat.slug,
        "stage": meeting.stage.value,
        "starts_at": iso(meeting.starts_at),
        "ends_at": iso(meeting.ends_at),
        "opened_at": iso(meeting.opened_at),
        "voting_at": iso(meeting.voting_at),
        "closed_at": iso(meeting.closed_at),
        "stream": stream_data(meeting),
        "venue": meeting.venue,
        "dial_in": meeting.dial_in,
        "cancel_reason": meeting.cancel_reason,
        "moderation": meeting.moderation.value,
        "votes_per_resident": meeting.votes_per_resident,
        "room_size": meeting.room_size,
    }


def counts_for(meeting: Meeting) -> dict[int, int]:
    """The counts `votes` and `tallies` carry in the current stage (priority votes while voting)."""
    return tallies(meeting.id, vote_kind(meeting))


@dataclass(frozen=True)
class PublicView:
    """What every resident's SNAPSHOT shares: the meeting, its public issues (counts as read, no
    `my_vote`) and the last meeting's priorities to review. Built once, it can serve a whole join
    storm (pact/live/snapshots.py decides for how long)."""

    meeting: dict[str, Any]
    stage: Stage
    issues: list[dict[str, Any]]
    review: list[dict[str, Any]]


@dataclass(frozen=True)
class ViewerPart:
    """What only this resident sees: their votes, their own posts (with why one was held), their verdicts."""

    votes: frozenset[int] = frozenset()
    own: tuple[dict[str, Any], ...] = ()
    verdicts: dict[int, str] = field(default_factory=dict)


NEWCOMER = ViewerPart()  # a resident who has just joined by name has none of these yet


def _issues_in_order(meeting: Meeting) -> Select[Issue]:
    return (
        select(Issue)
        .where(Issue.meeting_id == meeting.id)
        .options(joinedload(Issue.author), joinedload(Issue.answer),  # one query: a join storm is costly
                 selectinload(Issue.referrals))  # and one more for the (few) referrals
        .order_by(Issue.created_at, Issue.id)
    )


def public_view(meeting: Meeting) -> PublicView:
    """What every resident's SNAPSHOT shares, read now: public issues with the counts of the current stage."""
    counts = tallies_by_kind(meeting.id)
    support = counts[VoteKind.SUPPORT]
    current = support if meeting.stage is not Stage.VOTING else counts[VoteKind.PRIORITY]
    issues = [
        issue_data(issue, current.get(issue.id, 0), support=support.get(issue.id, 0))
        for issue in db.session.scalars(_issues_in_order(meeting).where(
            Issue.visibility == Visibility.PUBLIC, Issue.merged_into_id.is_(None)))
    ]
    return PublicView(meeting_data(meeting), meeting.stage, issues, review_items(meeting, None))


def viewer_part(meeting: Meeting, viewer: Participant) -> ViewerPart:
    """What only this resident's SNAPSHOT carries: their votes, their own posts in any state, their verdicts."""
    own = db.session.scalars(_issues_in_order(meeting).where(  # public, held or hidden; not merged away
        Issue.participant_id == viewer.id,
        (Issue.merged_into_id.is_(None)) | (Issue.visibility != Visibility.PUBLIC)))
    return ViewerPart(
        votes=frozenset(my_votes(meeting, viewer, vote_kind(meeting))),
        own=tuple(issue_data(issue, 0, for_author=True) for issue in own),
        verdicts=my_verdicts(viewer),
    )


def resident_snapshot(view: PublicView, part: ViewerPart | None, *, watching: int) -> dict[str, Any]:
    """SNAPSHOT for a resident (`part`) or an anonymous watcher (None): the shared view, with the
    resident's own posts in their place (held or hidden ones too) and `my_vote` on every issue."""
    own = {data["id"]: data for data in part.own} if part is not None else {}
    issues = []
    for shared in view.issues:
        data = dict(shared)
        if shared["id"] in own:  # their own public post: the author's view, with the public counts
            data = {**own.pop(shared["id"]), "votes": shared["votes"], "support": shared["support"]}
        issues.append(data)
    issues.extend(dict(data) for data in own.values())  # not public: only the author sees them
    if own:
        issues.sort(key=lambda data: (data["created_at"] or "", data["id"]))
    if part is not None:
        for data in issues:
            data["my_vote"] = data["id"] in part.votes
    review = view.review
    if part is not None and part.verdicts:
        review = [{**item, "my_verdict": part.verdicts.get(item["id"])} for item in review]
    return {"meeting": view.meeting, "issues": issues, "presence": {"watching": watching}, "review": review}


def with_counts(state: dict[str, Any], counts: dict[int, int] | None) -> dict[str, Any]:
    """Put the counts the room was last sent into a SNAPSHOT (None: keep the counts it was built
    with). Issues the counts do not name have none: only public issues are counted."""
    if counts is None:
        return state
    voting = state["meeting"]["stage"] == Stage.VOTING.value
    for data in state["issues"]:
        data["votes"] = counts.get(data["id"], 0)
        if not voting:
            data["support"] = data["votes"]
    return state


def snapshot(meeting: Meeting, viewer: Participant | None, *, watching: int) -> dict[str, Any]:
    """SNAPSHOT for one viewer, read now: public issues, plus everything for staff, plus the viewer's own posts."""
    if viewer is None or not viewer.is_staff:
        part = viewer_part(meeting, viewer) if viewer is not None else None
        return resident_snapshot(public_view(meeting), part, watching=watching)
    counts = tallies_by_kind(meeting.id)
    support = counts[VoteKind.SUPPORT]
    current = support if meeting.stage is not Stage.VOTING else counts[VoteKind.PRIORITY]
    mine = my_votes(meeting, viewer, vote_kind(meeting))
    issues = [
        issue_data(issue, current.get(issue.id, 0), support=support.get(issue.id, 0), my_vote=issue.id in mine,
                   for_staff=True, for_author=issue.participant_id == viewer.id)
        for issue in db.session.scalars(_issues_in_order(meeting))
    ]
    muted = db.session.scalars(select(Participant).where(
        Participant.meeting_id == meeting.id, Participant.muted.is_(True), Participant.removed.is_(False))
        .order_by(Participant.display_name))
    return {"meeting": meeting_data(meeting), "issues": issues, "presence": {"watching": watching},
            "review": review_items(meeting, viewer), "muted": [participant_data(p) for p in muted]}


def participant_data(participant: Participant) -> dict[str, Any]:
    """A participant as staff see it in `muted` and `participant_updated`: id, display name, role, muted."""
    return {
        "id": participant.id,
        "display_name": participant.display_name,
        "role": participant.role.value,
        "muted": participant.muted,
    }
