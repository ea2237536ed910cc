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
    """Hide, restore, approve or redact an issue, with an optional reason for its author.

    Sender: an officer of the meeting's beat, or an admin, joined with their staff sign-in.
    Payload: `{"issue_id": int, "action": "hide" | "restore" | "approve" | "redact", "reason": str?,
    "text": str?}` (`text` only with `redact`: the post with the personal data taken out, which is published).
    Errors: `forbidden`, `invalid_payload`, `not_found`, `wrong_state` (already hidden, not hidden, not
    waiting), `unchanged` (a redaction with the same words), `too_long`.
    Receives: the officer the ack `{"ok": true, "issue"}` (staff ISSUE); residents `issue_posted`
    (approved) or `issue_updated` (hidden without its words, restored); staff `issue_updated` in full;
    the author their post with status and reason; the room `tallies` (coalesced)."""
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
    """Mute a resident: they can still watch, but not post or vote, from their next command on.

    Sender: an officer of the meeting's beat, or an admin, joined with their staff sign-in.
    Payload: `{"participant_id": int, "reason": str?}`.
    Errors: `forbidden`, `not_found`, `invalid_target` (not a resident of this meeting), `wrong_state`
    (removed).
    Receives: the officer the ack `{"ok": true, "participant": {"id", "muted"}}`; the resident's sockets
    (every name from their browser) `muted` `{"message"}`; staff `participant_updated`."""
    return _mute(ctx, data, True)


@command("unmute", PARTICIPANT_REF)
def unmute(ctx: Context, data):
    """Unmute a resident (and every other name their browser took).

    Sender: an officer of the meeting's beat, or an admin, joined with their staff sign-in.
    Payload: `{"participant_id": int, "reason": str?}`.
    Errors: `forbidden`, `not_found`, `invalid_target`, `wrong_state` (removed).
    Receives: the officer the ack `{"ok": true, "participant": {"id", "muted"}}`; the resident's sockets
    `unmuted` `{"message"}`; staff `participant_updated`."""
    return _mute(ctx, data, False)


@command("remove", {**PARTICIPANT_REF, "address_minutes": Field("int", required=False)})
def remove(ctx: Context, data):
    """Remove a resident from the meeting: they cannot rejoin from the same browser (every other
    name that browser took goes too), nor, with `address_minutes`, from their address for that long.

    Sender: an officer of the meeting's beat, or an admin, joined with their staff sign-in.
    Payload: `{"participant_id": int, "reason": str?, "address_minutes": int?}` (1–1440).
    Errors: `forbidden`, `not_found`, `invalid_target`, `invalid_payload` (a bad address_minutes).
    Receives: the officer the ack `{"ok": true, "participant": {"id", "removed": true}}`; each removed
    participant's sockets `removed` `{"message"}`, then they are disconnected; staff `participant_updated`."""
    changed, any_changed = moderation.remove_participant(
        ctx.meeting, data["participant_id"], user=ctx.user, now=utcnow(), raw_reason=data.get("reason"),
        address_minutes=data.get("address_minutes"))
    ack = {"ok": True, "participant": {"id": changed[0].id, "removed": True}}
    return ack, [broadcast.participant_removed(p) for p in changed] if any_changed else []


@command("set_moderation", {"mode": Field("str")})
def set_moderation(ctx: Context, data):
    """Open the meeting (posts public at once) or pre-moderate it (posts wait for approval).

    Sender: an officer of the meeting's beat, or an admin, joined with their staff sign-in.
    Payload: `{"mode": "open" | "premoderated"}`.
    Errors: `forbidden`, `invalid_payload` (another mode).
    Receives: the officer the ack `{"ok": true, "moderation"}`; everyone in the meeting
    `moderation_changed` `{"moderation", "message"}` when it changed."""
    changed = moderation.set_moderation(ctx.meeting, data["mode"], user=ctx.user, now=utcnow())
    ack = {"ok": True, "moderation": ctx.meeting.moderation.value}
    return ack, [broadcast.moderation_changed(ctx.meeting)] if changed else []


@command("reply", {"issue_id": Field("int"), "reply": Field("str")})
def reply(ctx: Context, data):
    """Answer an issue with one of the force's ready-made replies (by key).

    Sender: an officer of the meeting's beat, or an admin, joined with their staff sign-in.
    Payload: `{"issue_id": int, "reply": str}` (a key of SAFEGUARDING_REPLIES).
    Errors: `forbidden`, `invalid_payload` (an unknown key), `wrong_stage`, `not_found`.
    Receives: like `answer`: the officer the ack `{"ok": true}`; `issue_updated` with the answer to the
    room (a held post's only to its author and staff)."""
    require_moderator(ctx.user, ctx.meeting)
    text = safeguarding.reply_text(replies(), data["reply"])
    if not text:
        keys = ", ".join(r.get("key", "?") for r in replies())
        raise DomainError("invalid_payload", f"Unknown ready-made reply; choose one of: {keys}.", field="reply")
    issue = issues.answer_issue(ctx.meeting, data["issue_id"], text, user=ctx.user, now=utcnow())
    votes = voting.issue_votes(issue, voting.vote_kind(ctx.meeting))
    return {"ok": True}, [broadcast.issue_updated(issue, votes)]
