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
    """Say how many people are in the hall.

    Sender: an officer of the meeting's beat, or an admin, joined with their staff sign-in.
    Payload: `{"count": int}` (0 or more).
    Errors: `forbidden`, `wrong_stage` (closed or cancelled), `invalid_count`, `below_room_counts` (a show
    of hands already entered is larger).
    Receives: the officer the ack `{"ok": true, "room_size": n}`; everyone in the meeting `room_size`
    `{"room_size": n}`."""
    size = hybrid.set_room_size(ctx.meeting, data["count"], user=ctx.user, now=utcnow())
    return {"ok": True, "room_size": size}, [broadcast.room_size_changed(ctx.meeting)]


@command("room_count", {"issue_id": Field("int"), "count": Field("int")})
def room_count(ctx: Context, data):
    """Enter the hall's show of hands for an issue: support while `live`, priority votes for a
    shortlisted issue while `voting`.

    Sender: an officer of the meeting's beat, or an admin, joined with their staff sign-in.
    Payload: `{"issue_id": int, "count": int}` (0 to the room's size).
    Errors: `forbidden`, `wrong_stage`, `no_room_size`, `not_found`, `not_public`, `not_shortlisted`,
    `invalid_count`.
    Receives: the officer the ack `{"ok": true, "issue": ISSUE}` (with `in_room`); everyone in the
    meeting `issue_updated`."""
    issue = hybrid.record_room_count(ctx.meeting, data["issue_id"], data["count"], user=ctx.user, now=utcnow())
    votes = voting.issue_votes(issue, voting.vote_kind(ctx.meeting))
    return {"ok": True, "issue": issue_data(issue, votes, for_staff=True)}, [broadcast.issue_updated(issue, votes)]


@command("raise_from_floor", {"text": Field("str"), "category": Field("str?", required=False)})
def raise_from_floor(ctx: Context, data):
    """Type in an issue someone raised in the hall; ISSUE carries `"raised_in_room": true`.

    Sender: an officer of the meeting's beat, or an admin, joined with their staff sign-in.
    Payload: `{"text": str, "category": str?}`.
    Errors: `forbidden`, and as post_issue: `wrong_stage`, `empty`, `too_long`, `invalid_characters`,
    `invalid_category`, `duplicate`.
    Receives: the officer the ack `{"ok": true, "issue": ISSUE}`; everyone in the meeting `issue_posted`."""
    posted = hybrid.raise_from_floor(ctx.meeting, ctx.participant, data["text"], data.get("category"),
                                     user=ctx.user, now=utcnow())
    return {"ok": True, "issue": issue_data(posted.issue, 0, for_staff=True)}, [broadcast.issue_posted(posted.issue)]
