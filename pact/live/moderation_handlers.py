"""`/meeting` moderation commands, for officers of the meeting's beat (and admins).

Each handler: parse (the decorator) → authorise (the service, against the database-backed user) →
one service call → commit (the decorator) → broadcast → ack. A resident, an inspector, an officer
of another beat or a signed-out officer is refused `forbidden`, and the attempt is audited.
"""
from __future__ import annotations

from flask import current_app

from pact.live import broadcast
from pact.live.commands import Context, command
from pact.live.payloads import Field
from pact.meetings import issues, moderation, safeguarding, voting
from pact.meetings.errors import DomainError
from pact.meetings.permissions import require_moderator
from pact.meetings.snapshot import issue_data
from pact.models import VoteKind, utcnow

PARTICIPANT_REF = {"participant_id": Field("int"), "reason": Field("str?", required=False)}


def replies() -> list[dict[str, str]]:
    """The force's ready-made replies (SAFEGUARDING_REPLIES), as officers' pages list them."""
    configured = current_app.config.get("SAFEGUARDING_REPLIES")
    return list(configured) if configured else list(safeguarding.REPLIES)


@command("moderate", {"issue_id": Field("int"), "action": Field("str"), "reason": Field("str?", required=False),
                      "text": Field("str?", required=False)})
def moderate(ctx: Context, data):
    """Officer → server: `hide`, `restore`, `approve` or `redact` (with `text`: the post with the
    personal data taken out, which is published) an issue, with an optional reason for its author.

    Ack {ok, issue} to the officer. Residents get `issue_posted` (approved) or `issue_updated`
    (hidden without its words, restored); staff get `issue_updated` in full; the author gets their
    post with status and reason."""
    done = moderation.moderate_issue(ctx.meeting, data["issue_id"], data["action"], data.get("reason"),
                                     user=ctx.user, now=utcnow(), raw_text=data.get("text"))
    issue = done.issue
    votes = voting.issue_votes(issue, voting.vote_kind(ctx.meeting))
    support = voting.issue_votes(issue, VoteKind.SUPPORT)
    ack = {"ok": True, "issue": issue_data(issue, votes, support=support, for_staff=True)}
    return ack, [broadcast.issue_moderated(issue, done.was_public, votes, support),
                 broadcast.tallies_changed(ctx.meeting.id)]


def _mute(ctx: Context, data, muted: bool):
    changed, any_changed = moderation.mute_participant(ctx.meeting, data["participant_id"], muted=muted,
                                                       user=ctx.user, now=utcnow(), raw_reason=data.get("reason"))
    participant = changed[0]
    ack = {"ok": True, "participant": {"id": participant.id, "muted": participant.muted}}
    return ack, [broadcast.participant_muted(p) for p in changed] if any_changed else []


@command("mute", PARTICIPANT_REF)
def mute(ctx: Context, data):
    """Officer → server. The resident can still watch but not post or vote, from their next command
    on. `muted` {message} to the resident's sockets; `participant_updated` to staff."""
    return _mute(ctx, data, True)


@command("unmute", PARTICIPANT_REF)
def unmute(ctx: Context, data):
    """Officer → server. `unmuted` {message} to the resident's sockets; `participant_updated` to staff."""
    return _mute(ctx, data, False)


@command("remove", {**PARTICIPANT_REF, "address_minutes": Field("int", required=False)})
def remove(ctx: Context, data):
    """Officer → server: remove a resident from the meeting; they cannot rejoin from the same browser
    (every other name that browser took is removed too), nor, with `address_minutes` (1–1440), from
    their address for that long.

    `removed` {message} to each removed participant's sockets, which are then disconnected;
    `participant_updated` to staff. `invalid_payload` for a bad `address_minutes`."""
    changed, any_changed = moderation.remove_participant(
        ctx.meeting, data["participant_id"], user=ctx.user, now=utcnow(), raw_reason=data.get("reason"),
        address_minutes=data.get("address_minutes"))
    ack = {"ok": True, "participant": {"id": changed[0].id, "removed": True}}
    return ack, [broadcast.participant_removed(p) for p in changed] if any_changed else []


@command("set_moderation", {"mode": Field("str")})
def set_moderation(ctx: Context, data):
    """Officer → server: `open` or `premoderated`. `moderation_changed` {moderation, message} to everyone."""
    changed = moderation.set_moderation(ctx.meeting, data["mode"], user=ctx.user, now=utcnow())
    ack = {"ok": True, "moderation": ctx.meeting.moderation.value}
    return ack, [broadcast.moderation_changed(ctx.meeting)] if changed else []


@command("reply", {"issue_id": Field("int"), "reply": Field("str")})
def reply(ctx: Context, data):
    """Officer → server: answer an issue with one of the force's ready-made replies (by key).

    Like `answer`: held posts stay held, so only the author and staff see the reply."""
    require_moderator(ctx.user, ctx.meeting)
    text = safeguarding.reply_text(replies(), data["reply"])
    if not text:
        keys = ", ".join(r.get("key", "?") for r in replies())
        raise DomainError("invalid_payload", f"Unknown ready-made reply; choose one of: {keys}.", field="reply")
    issue = issues.answer_issue(ctx.meeting, data["issue_id"], text, user=ctx.user, now=utcnow())
    votes = voting.issue_votes(issue, voting.vote_kind(ctx.meeting))
    return {"ok": True}, [broadcast.issue_updated(issue, votes)]
