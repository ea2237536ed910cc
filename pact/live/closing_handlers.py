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
    """Officer of the beat → server: exactly these issues are the shortlist (live or voting).

    Ack `{"ok": true, "shortlist": [ids]}`; `issue_updated` for each issue whose place changed, to the room."""
    changed = priorities.set_shortlist(ctx.meeting, data["issue_ids"], user=ctx.user, now=utcnow())
    counts = voting.tallies(ctx.meeting.id, voting.vote_kind(ctx.meeting))
    support = voting.tallies(ctx.meeting.id, VoteKind.SUPPORT)
    ack = {"ok": True, "shortlist": sorted(data["issue_ids"])}
    return ack, [broadcast.shortlist_changed(changed, counts, support)] if changed else []


@command("merge", {"issue_id": Field("int"), "into_issue_id": Field("int")})
def merge(ctx: Context, data):
    """Officer of the beat → server: fold a duplicate into another issue; votes follow, once each.

    Ack; `issue_updated` (merged) and `issue_updated` (target, new count) to the room, the target
    with `my_vote` to each resident whose vote moved; fresh `tallies` (coalesced)."""
    merged = priorities.merge_issues(ctx.meeting, data["issue_id"], data["into_issue_id"], user=ctx.user, now=utcnow())
    kind = voting.vote_kind(ctx.meeting)
    votes = voting.issue_votes(merged.target, kind)
    support = voting.issue_votes(merged.target, VoteKind.SUPPORT)
    sends = [broadcast.issue_merged(merged.source, merged.target, votes, support, merged.moved_voters),
             broadcast.tallies_changed(ctx.meeting.id)]
    return {"ok": True, "issue_id": merged.source.id, "into_issue_id": merged.target.id}, sends


@command("close", {"priorities": Field("list")})
def close(ctx: Context, data):
    """Officer of the beat → server: agree the priorities (issue_id, action, owner?, review_on?) and close.

    Ack `{"ok": true, "summary_url"}`; `stage_changed` {closed} then `meeting_closed` {summary_url}
    to everyone in the meeting."""
    agreed = priorities.close_meeting(ctx.meeting, data["priorities"], user=ctx.user, now=utcnow())
    summary_url = url_for("reports.summary", meeting_id=ctx.meeting.id)
    ack = {"ok": True, "summary_url": summary_url, "priorities": [p.id for p in agreed]}
    mailed = notifications.meeting_closed(ctx.meeting, utcnow())  # the summary to the beat's subscribers
    return ack, [broadcast.meeting_closed(ctx.meeting, summary_url)] + ([dispatch_soon] if mailed else [])


@command("verdict", {"priority_id": Field("int"), "verdict": Field("str")})
def verdict(ctx: Context, data):
    """Resident → server: was this priority of the last meeting dealt with? (`dealt_with` or
    `not_dealt_with`; saying it again changes it). Ack to the resident; `verdicts` counts to staff."""
    row = progress.record_verdict(ctx.meeting, ctx.participant, data["priority_id"], data["verdict"], now=utcnow())
    counts = progress.verdict_counts([row.priority_id])[row.priority_id]
    ack = {"ok": True, "priority_id": row.priority_id, "verdict": row.verdict.value}
    return ack, [broadcast.verdicts_changed(ctx.meeting.id, row.priority_id, counts)]
