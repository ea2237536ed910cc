"""`/meeting` commands for hybrid meetings, for officers of the meeting's beat (and admins).

The hall takes part through the officer: how many people are in the room, the room's show of
hands for an issue, and issues raised from the floor (pact/meetings/hybrid.py).
"""
from __future__ import annotations

from pact.live import broadcast
from pact.live.commands import Context, command
from pact.live.payloads import Field
from pact.meetings import hybrid, voting
from pact.meetings.snapshot import issue_data
from pact.models import utcnow


@command("room_size", {"count": Field("int")})
def room_size(ctx: Context, data):
    """Officer → server: `{"count": int ≥ 0}`, the people in the hall. Errors: `forbidden`,
    `wrong_stage` (closed or cancelled), `invalid_count`, `below_room_counts` (a show of hands
    already entered is larger). Ack `{"ok": true, "room_size": n}`; `room_size` `{"room_size": n}` to
    everyone in the meeting."""
    size = hybrid.set_room_size(ctx.meeting, data["count"], user=ctx.user, now=utcnow())
    return {"ok": True, "room_size": size}, [broadcast.room_size_changed(ctx.meeting)]


@command("room_count", {"issue_id": Field("int"), "count": Field("int")})
def room_count(ctx: Context, data):
    """Officer → server: `{"issue_id", "count"}`, the hall's hands for an issue: support while `live`,
    priority votes for a shortlisted issue while `voting`; 0 to `room_size`. Errors: `forbidden`,
    `wrong_stage`, `no_room_size`, `not_found`, `not_public`, `not_shortlisted`, `invalid_count`.
    Ack `{"ok": true, "issue": ISSUE}` (with `in_room`); `issue_updated` to everyone in the meeting."""
    issue = hybrid.record_room_count(ctx.meeting, data["issue_id"], data["count"], user=ctx.user, now=utcnow())
    votes = voting.issue_votes(issue, voting.vote_kind(ctx.meeting))
    return {"ok": True, "issue": issue_data(issue, votes, for_staff=True)}, [broadcast.issue_updated(issue, votes)]


@command("raise_from_floor", {"text": Field("str"), "category": Field("str?", required=False)})
def raise_from_floor(ctx: Context, data):
    """Officer → server: `{"text", "category"?}`, an issue someone raised in the hall, typed in by the
    officer; ISSUE carries `"raised_in_room": true`. Errors as `post_issue`, and `forbidden`. Ack
    `{"ok": true, "issue": ISSUE}`; `issue_posted` to everyone in the meeting."""
    posted = hybrid.raise_from_floor(ctx.meeting, ctx.participant, data["text"], data.get("category"),
                                     user=ctx.user, now=utcnow())
    return {"ok": True, "issue": issue_data(posted.issue, 0, for_staff=True)}, [broadcast.issue_posted(posted.issue)]
