"""`/meeting` events for deciding: shortlist, merge, close (officers) and verdict (residents).

Same shape as handlers.py: parse (decorator) → authorise (in the service) → one service call →
commit (decorator) → broadcast → ack. Who sends it and who receives what is in each docstring.
"""
from __future__ import annotations

from flask import url_for

from pact import notifications
from pact.delivery import dispatch_soon
from pact.live import broadcast
from pact.live.commands import Context, command
from pact.live.payloads import Field
from pact.meetings import priorities, progress, voting
from pact.models import VoteKind, utcnow


@command("shortlist", {"issue_ids": Field("int_list")})
def shortlist(ctx: Context, data):
    """Make exactly these issues the shortlist residents vote on.

    Sender: an officer of the meeting's beat, or an admin, joined with their staff sign-in.
    Payload: `{"issue_ids": [int, …]}` (at most 50).
    Errors: `forbidden`, `wrong_stage` (not live or voting), `duplicate`, `not_found`, `not_public`,
    `already_merged`, `has_votes` (while voting, an issue with priority votes stays).
    Receives: the officer the ack `{"ok": true, "shortlist": [ids]}`; the room `issue_updated` for each
    issue whose place changed."""
    changed = priorities.set_shortlist(ctx.meeting, data["issue_ids"], user=ctx.user, now=utcnow())
    counts = voting.tallies(ctx.meeting.id, voting.vote_kind(ctx.meeting))
    support = voting.tallies(ctx.meeting.id, VoteKind.SUPPORT)
    ack = {"ok": True, "shortlist": sorted(data["issue_ids"])}
    return ack, [broadcast.shortlist_changed(changed, counts, support)] if changed else []


@command("merge", {"issue_id": Field("int"), "into_issue_id": Field("int")})
def merge(ctx: Context, data):
    """Fold a duplicate into another issue; votes follow it, once each.

    Sender: an officer of the meeting's beat, or an admin, joined with their staff sign-in.
    Payload: `{"issue_id": int, "into_issue_id": int}`.
    Errors: `forbidden`, `wrong_stage` (closed or cancelled), `invalid_payload` (into itself),
    `not_found`, `not_public`, `already_merged`.
    Receives: the officer the ack `{"ok": true, "issue_id", "into_issue_id"}`; the room `issue_updated`
    for the merged issue (redacted for residents) and for the target with its new count, the target
    with `my_vote` to each resident whose vote moved; `tallies` (coalesced)."""
    merged = priorities.merge_issues(ctx.meeting, data["issue_id"], data["into_issue_id"], user=ctx.user, now=utcnow())
    kind = voting.vote_kind(ctx.meeting)
    votes = voting.issue_votes(merged.target, kind)
    support = voting.issue_votes(merged.target, VoteKind.SUPPORT)
    sends = [broadcast.issue_merged(merged.source, merged.target, votes, support, merged.moved_voters),
             broadcast.tallies_changed(ctx.meeting.id)]
    return {"ok": True, "issue_id": merged.source.id, "into_issue_id": merged.target.id}, sends


@command("close", {"priorities": Field("list")})
def close(ctx: Context, data):
    """Agree the priorities and close the meeting.

    Sender: an officer of the meeting's beat, or an admin, joined with their staff sign-in.
    Payload: `{"priorities": [{"issue_id": int, "action": str, "owner": str?, "review_on": "YYYY-MM-DD"?,
    "title": str?}, …]}` (1 to 10, in the order agreed).
    Errors: `forbidden`, `wrong_stage` (not live or voting), `empty`, `too_many`, `duplicate`, and per
    priority (carrying its index) `invalid_payload`, `not_found`, `not_public`, `already_merged`,
    `invalid_date`, `too_long`.
    Receives: the officer the ack `{"ok": true, "summary_url", "priorities": [ids]}`; everyone in the
    meeting `stage_changed` `{"stage": "closed"}` then `meeting_closed` `{"summary_url"}`; the beat's
    subscribers the summary by e-mail."""
    agreed = priorities.close_meeting(ctx.meeting, data["priorities"], user=ctx.user, now=utcnow())
    summary_url = url_for("reports.summary", meeting_id=ctx.meeting.id)
    ack = {"ok": True, "summary_url": summary_url, "priorities": [p.id for p in agreed]}
    mailed = notifications.meeting_closed(ctx.meeting, utcnow())  # the summary to the beat's subscribers
    return ack, [broadcast.meeting_closed(ctx.meeting, summary_url)] + ([dispatch_soon] if mailed else [])


@command("verdict", {"priority_id": Field("int"), "verdict": Field("str")})
def verdict(ctx: Context, data):
    """Say whether a priority of the beat's last meeting was dealt with (again: changes it).

    Sender: a joined resident (not muted).
    Payload: `{"priority_id": int, "verdict": "dealt_with" | "not_dealt_with"}`.
    Errors: `muted`, `forbidden` (staff), `wrong_stage` (closed or cancelled), `not_found` (not a priority
    of the last meeting), `invalid_payload` (another verdict), `duplicate` (send again).
    Receives: the resident the ack `{"ok": true, "priority_id", "verdict"}`; staff `verdicts` with the
    counts (residents are not shown others' answers)."""
    row = progress.record_verdict(ctx.meeting, ctx.participant, data["priority_id"], data["verdict"], now=utcnow())
    counts = progress.verdict_counts([row.priority_id])[row.priority_id]
    ack = {"ok": True, "priority_id": row.priority_id, "verdict": row.verdict.value}
    return ack, [broadcast.verdicts_changed(ctx.meeting.id, row.priority_id, counts)]
