"""`/meeting` events for everyone in the room: join, sync, post, vote, answer, stage.

Each handler: parse (the decorator) → authorise → one service call → commit (the decorator) →
broadcast → ack. Who sends it and who receives what is in each docstring.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, request, session
from flask_login import current_user
from flask_socketio import join_room

from pact.extensions import socketio
from pact.live import NAMESPACE, broadcast, limits, rooms
from pact.live.commands import SESSION_MEETING, SESSION_PARTICIPANT, Context, command, ticker
from pact.live.payloads import Field
from pact.meetings import audit, issues, safeguarding, stages, voting
from pact.meetings.errors import DomainError
from pact.meetings.participants import admit, get_meeting, hash_secret
from pact.meetings.permissions import require_moderator
from pact.meetings.snapshot import issue_data, participant_data, snapshot
from pact.models import Stage, utcnow

DEVICE_COOKIE = "pact_device"
SESSION_STAFF_USER = "staff_user_id"


def registry():
    return current_app.extensions["pact_room_registry"]
ISSUE_REF = {"issue_id": Field("int")}


def _posting_rules() -> dict:
    """The force's safeguarding word list and wording, and the duplicate window, from config."""
    cfg = current_app.config
    return {"policy": safeguarding.Policy.build(cfg.get("SAFEGUARDING_WORDS"), cfg.get("SAFEGUARDING_MESSAGES")),
            "duplicate_window": timedelta(seconds=cfg.get("DUPLICATE_WINDOW", 600))}


def _address() -> str:
    return hash_secret(request.remote_addr or "unknown")[:32]


@socketio.on("connect", namespace=NAMESPACE)
def on_connect(auth=None):
    """Anyone → server. Staff sockets join their account's room, so a sign-out can reach them."""
    if current_user.is_authenticated:
        join_room(rooms.user(current_user.id))
        session[SESSION_STAFF_USER] = current_user.id  # remembered: after a sign-out current_user is anonymous
        registry().add(rooms.user(current_user.id), request.sid)


@socketio.on("disconnect", namespace=NAMESPACE)
def on_disconnect(*_reason):
    """The socket went away: count one fewer watcher (announced, coalesced, by the ticker)."""
    if ticker().presence.remove(request.sid) is not None:
        ticker().ensure_running()
    recorded = [rooms.user(session[SESSION_STAFF_USER])] if SESSION_STAFF_USER in session else []
    if SESSION_PARTICIPANT in session:
        recorded.append(rooms.participant(session[SESSION_PARTICIPANT]))
    if recorded:
        registry().discard(recorded, request.sid)


@socketio.on("*", namespace=NAMESPACE)
def on_unknown(event, *_args):
    """Any event this server does not know gets a clear refusal instead of silence."""
    return {"ok": False, "error": "unknown_event", "message": f"This server does not understand {str(event)[:40]!r}."}


@command("join", {"meeting_id": Field("int"), "display_name": Field("str", required=False),
                  "resume_token": Field("str", required=False)}, joined=False)
def join(data):
    """Resident (name or resume token) or signed-in staff → server.

    Ack to the sender: participant, resume token, SNAPSHOT; `state` to the sender too; `presence`
    to the room (coalesced)."""
    device = request.cookies.get(DEVICE_COOKIE)
    limits.check("join", address=_address(), device=hash_secret(device) if device else None)
    meeting = get_meeting(data["meeting_id"])
    participant, token = admit(
        meeting, user=current_user, display_name=data.get("display_name"), resume_token=data.get("resume_token"),
        now=utcnow(), device_hash=hash_secret(device) if device else None, address_hash=_address(),
    )
    presence, sid = ticker().presence, request.sid
    state = snapshot(meeting, participant, watching=max(1, ticker().watching(meeting.id)))
    ack = {"ok": True, "participant": participant_data(participant), "resume_token": token, "state": state}
    meeting_id, participant_id, is_staff = meeting.id, participant.id, participant.is_staff

    def enter() -> None:
        for room in (rooms.public(meeting_id), rooms.staff(meeting_id)):
            socketio.server.leave_room(sid, room, namespace=NAMESPACE)
        join_room(rooms.staff(meeting_id) if is_staff else rooms.public(meeting_id))
        join_room(rooms.participant(participant_id))
        registry().add(rooms.participant(participant_id), sid)
        session[SESSION_PARTICIPANT], session[SESSION_MEETING] = participant_id, meeting_id
        presence.add(sid, meeting_id, participant_id)
        ticker().ensure_running()
        broadcast.state_here(sid, state)

    return ack, [enter]


@command("watch", {"meeting_id": Field("int")}, joined=False)
def watch(data):
    """Anyone → server: follow the meeting without taking part (most residents only watch).

    Ack with the public SNAPSHOT; the socket then receives the room's public events and counts as
    watching. Joining later (with a name or token) replaces the watcher with the participant."""
    limits.check("join", address=_address())
    meeting = get_meeting(data["meeting_id"])
    presence, sid = ticker().presence, request.sid
    state = snapshot(meeting, None, watching=max(1, ticker().watching(meeting.id)))
    meeting_id = meeting.id

    def enter() -> None:
        for room in (rooms.public(meeting_id), rooms.staff(meeting_id)):
            socketio.server.leave_room(sid, room, namespace=NAMESPACE)
        join_room(rooms.public(meeting_id))
        presence.add(sid, meeting_id, f"watcher:{sid}")  # one anonymous person per socket
        ticker().ensure_running()

    return {"ok": True, "state": state}, [enter]


@command("sync", {})
def sync(ctx: Context, _data):
    """Participant → server: "I may have missed something". Ack (and `state`) with a fresh SNAPSHOT."""
    limits.check("sync", participant=ctx.participant.id)
    state = snapshot(ctx.meeting, ctx.participant, watching=ticker().watching(ctx.meeting.id))
    return {"ok": True, "state": state}, []


@command("post_issue", {"text": Field("str"), "category": Field("str?", required=False)})
def post_issue(ctx: Context, data):
    """Participant → server. Ack to the author with ISSUE (and why, when held); `issue_posted` to
    the room when public, to staff only when held."""
    limits.check("post", participant=ctx.participant.id, address=_address())
    posted = issues.post_issue(ctx.meeting, ctx.participant, data["text"], data.get("category"), now=utcnow(),
                               **_posting_rules())
    ack = {"ok": True, "issue": issue_data(posted.issue, 0, my_vote=False, for_author=True)}
    if posted.hold_message:
        ack["message"] = posted.hold_message
    return ack, [broadcast.issue_posted(posted.issue)]


@command("vote", ISSUE_REF)
def vote(ctx: Context, data):
    """Resident → server: support (live) or priority vote (voting). Ack to the voter; `tallies`
    to the room, coalesced."""
    limits.check("vote", participant=ctx.participant.id, address=_address())
    voting.cast_vote(ctx.meeting, ctx.participant, data["issue_id"], now=utcnow())
    return {"ok": True}, [broadcast.tallies_changed(ctx.meeting.id)]


@command("unvote", ISSUE_REF)
def unvote(ctx: Context, data):
    """Resident → server: take a vote back. Ack to the voter; `tallies` to the room, coalesced."""
    limits.check("vote", participant=ctx.participant.id, address=_address())
    voting.retract_vote(ctx.meeting, ctx.participant, data["issue_id"])
    return {"ok": True}, [broadcast.tallies_changed(ctx.meeting.id)]


@command("answer", {"issue_id": Field("int"), "text": Field("str")})
def answer(ctx: Context, data):
    """Officer of the beat → server. Ack to the officer; `issue_updated` (with the answer) to the room."""
    issue = issues.answer_issue(ctx.meeting, data["issue_id"], data["text"], user=ctx.user, now=utcnow())
    votes = voting.issue_votes(issue, voting.vote_kind(ctx.meeting))
    return {"ok": True}, [broadcast.issue_updated(issue, votes)]


@command("set_stage", {"stage": Field("str")})
def set_stage(ctx: Context, data):
    """Officer of the beat → server: `live` or `voting`. Ack; `stage_changed` to the room."""
    require_moderator(ctx.user, ctx.meeting)
    target = stages.parse_stage(data["stage"])
    if target not in (Stage.LIVE, Stage.VOTING):
        raise DomainError("invalid_payload", "set_stage takes 'live' or 'voting'; use 'close' to close the meeting.")
    changed = stages.change_stage(ctx.meeting, target, now=utcnow())
    if changed:
        audit.record("set_stage", now=utcnow(), user=ctx.user, meeting=ctx.meeting, target=f"meeting:{ctx.meeting.id}",
                     reason=target.value)
    return {"ok": True, "stage": target.value}, [broadcast.stage_changed(ctx.meeting)] if changed else []
