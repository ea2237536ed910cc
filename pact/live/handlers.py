"""`/meeting` events for everyone in the room: join, sync, post, vote, answer, stage.

Each handler: parse (the decorator) → authorise → one service call → commit (the decorator) →
broadcast → ack. Who sends it and who receives what is in each docstring.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import current_app, request, session
from flask_login import current_user
from flask_socketio import join_room

from pact import notifications
from pact.delivery import dispatch_soon
from pact.evidence import demographics
from pact.evidence.attendance import record_viewer
from pact.extensions import db, socketio
from pact.i18n import translate
from pact.live import NAMESPACE, broadcast, limits, rooms
from pact.live.commands import SESSION_MEETING, SESSION_PARTICIPANT, SESSION_RESIDENT, Context, command, ticker
from pact.live.payloads import Field
from pact.live.presence import person_key
from pact.meetings import audit, issues, safeguarding, stages, voting
from pact.meetings.addresses import day_scope, hash_address, meeting_scope
from pact.meetings.errors import DomainError
from pact.meetings.participants import admit, get_meeting, hash_secret, newcomer
from pact.meetings.permissions import require_moderator
from pact.meetings.snapshot import (
    PublicView,
    counts_for,
    issue_data,
    participant_data,
    resident_snapshot,
    snapshot,
    viewer_part,
    with_counts,
)
from pact.models import Meeting, Participant, ParticipantRole, Stage, utcnow
from pact.security import DEVICE_COOKIE
from pact.services import services

SESSION_STAFF_USER = "staff_user_id"


def registry():
    """This app's room registry (which sockets are in which personal room, across processes)."""
    return services().registry


def snapshots():
    """This app's snapshot cache (one read of a meeting serves many joiners)."""
    return services().snapshots


def group_commit(name: str):
    """`support_votes` or `newcomers`: see group_commit.py."""
    return getattr(services(), name)

ISSUE_REF = {"issue_id": Field("int")}


def _posting_rules() -> dict:
    """The force's safeguarding word list and wording, and the duplicate window, from config."""
    cfg = current_app.config
    return {"policy": safeguarding.Policy.build(cfg.get("SAFEGUARDING_WORDS"), cfg.get("SAFEGUARDING_MESSAGES"),
                                                cfg.get("SAFEGUARDING_BUDGET_MS")),
            "duplicate_window": timedelta(seconds=cfg.get("DUPLICATE_WINDOW", 600))}


def _address(meeting_id: int | None = None) -> str:
    """The client's address as kept (pact/meetings/addresses.py): keyed per UTC day for the rate
    limits, or per meeting for what a participant row keeps."""
    scope = day_scope(utcnow().date()) if meeting_id is None else meeting_scope(meeting_id)
    return hash_address(request.remote_addr or "unknown", secret=current_app.config["SECRET_KEY"], scope=scope)


def _device() -> str | None:
    """The hashed device cookie of this socket's handshake (the room page sets it), or None.

    `in` first: a missing key makes Werkzeug build an HTTP exception (80 µs, every join of a storm)."""
    device = request.cookies[DEVICE_COOKIE] if DEVICE_COOKIE in request.cookies else None
    return hash_secret(device) if device else None


def _state_on_entry(meeting: Meeting, viewer: Participant | None) -> Callable[[], dict]:
    """Read what this viewer's SNAPSHOT needs (in the command's transaction) and return the step
    that completes it once the socket is in the meeting's room (see `_completed`).

    Anonymous watchers share the cached public view (snapshots.py) and get the counts this
    process's room was last sent, like newcomers (`_shared_state`, from `join`'s fast path). A
    returning resident (resume, `sync`) or staff member gets counts read now, as they may be
    returning because they missed something."""
    sent_before = ticker().counts_sent(meeting.id)
    if viewer is not None and viewer.is_staff:  # staff see everything: read for them alone
        state = snapshot(meeting, viewer, watching=0)
        return lambda: _completed(state, meeting.id, sent_before)
    if viewer is None:
        return _shared_state(meeting.id, newcomer=False)
    part, counts = viewer_part(meeting, viewer), counts_for(meeting)
    fresh = _current_view(meeting.id)

    def finish() -> dict:
        state = with_counts(resident_snapshot(fresh(), part, watching=0), counts)
        return _completed(state, meeting.id, sent_before)

    return finish


def _shared_state(meeting_id: int, *, newcomer: bool) -> Callable[[], dict]:
    """Newcomers (no votes or posts yet) and watchers: one SNAPSHOT for them all, its issues encoded
    once per change of the view or of the counts (snapshots.py), so a join storm builds no issue
    objects per joiner."""
    fresh = _current_view(meeting_id)

    def finish() -> dict:
        view = fresh()
        issues = snapshots().shared_issues(meeting_id, view, ticker().counts_sent(meeting_id), newcomer=newcomer)
        return {"meeting": view.meeting, "issues": issues, "review": view.review,
                "presence": {"watching": max(1, ticker().watching(meeting_id))}}

    return finish


def _current_view(meeting_id: int) -> Callable[[], PublicView]:
    """Read the shared view now; the returned function, called once the socket is in the room,
    gives it again, or reads it anew if a public event reached the room in between."""
    cache = snapshots()
    version, view = cache.view(meeting_id)

    def fresh() -> PublicView:
        if cache.version(meeting_id) == version:
            return view
        _, again = cache.view(meeting_id)
        db.session.rollback()  # a read: hold no transaction while sending
        return again

    return fresh


def _completed(state: dict, meeting_id: int, sent_before: dict[int, int] | None) -> dict:
    """Finish a SNAPSHOT for a socket that is now in the meeting's room (no wait since it entered):
    presence, and the counts the room was last sent if they changed after `state`'s counts were
    read. Every `tallies` from now on reaches this socket, so it misses no count."""
    state["presence"] = {"watching": max(1, ticker().watching(meeting_id))}
    sent = ticker().counts_sent(meeting_id)
    return with_counts(state, sent) if sent is not sent_before else state


@socketio.on("connect", namespace=NAMESPACE)
def on_connect(auth=None):
    """A socket opens the `/meeting` namespace.

    Sender: anyone (the Socket.IO client does this on connect).
    Payload: none (`auth` is ignored: identity comes from the session cookie and a later `join`).
    Errors: none; a connect is never refused here.
    Receives: nobody. A signed-in staff socket joins its account's room, so a sign-out can reach it."""
    if current_user.is_authenticated:
        join_room(rooms.user(current_user.id))
        session[SESSION_STAFF_USER] = current_user.id  # remembered: after a sign-out current_user is anonymous
        registry().add(rooms.user(current_user.id), request.sid)


@socketio.on("disconnect", namespace=NAMESPACE)
def on_disconnect(*_reason):
    """The socket went away (closed, timed out, or disconnected by the server).

    Sender: the transport, for any socket.
    Payload: the reason (ignored).
    Errors: none.
    Receives: the room a `presence` with one fewer watcher (coalesced, by the ticker)."""
    if ticker().presence.remove(request.sid) is not None:
        ticker().ensure_running()
    recorded = [rooms.user(session[SESSION_STAFF_USER])] if SESSION_STAFF_USER in session else []
    if SESSION_PARTICIPANT in session:
        recorded.append(rooms.participant(session[SESSION_PARTICIPANT]))
    if recorded:
        registry().discard(recorded, request.sid)


@socketio.on("*", namespace=NAMESPACE)
def on_unknown(event, *_args):
    """Any event this server does not know.

    Sender: anyone.
    Payload: anything (ignored).
    Errors: `unknown_event` (acked, so a client's callback is never left waiting).
    Receives: the sender the refusal; nobody else."""
    return {"ok": False, "error": "unknown_event", "message": f"This server does not understand {str(event)[:40]!r}."}


@command("join", {"meeting_id": Field("int"), "display_name": Field("str", required=False),
                  "resume_token": Field("str", required=False), "postcode_district": Field("str?", required=False),
                  "age_band": Field("str?", required=False)}, joined=False)
def join(data):
    """Take part in a meeting: a resident by name or resume token, staff by their sign-in.

    Sender: anyone: a resident (`display_name`, or the `resume_token` they were given), or signed-in
    staff of the beat (no name needed).
    Payload: `{"meeting_id": int, "display_name": str?, "resume_token": str?, "postcode_district": str?,
    "age_band": str?}` (the last two optional, for the evidence figures).
    Errors: `rate_limited` (per address and device), `not_found` (the meeting), `wrong_stage` (closed
    or cancelled), `forbidden` (removed from this browser or address; staff of another beat),
    `invalid_token`, `empty`, `too_long`, `invalid_characters`, `reserved_name` (the name).
    Receives: the sender the ack `{"ok": true, "participant", "resume_token", "state": SNAPSHOT}` and a
    `state`; the room a `presence` (coalesced)."""
    device_hash, address_hash = _device(), _address()
    limits.check("join", address=address_hash, device=device_hash,
                 bare_address=address_hash if device_hash is None else None)
    address_hash = _address(data["meeting_id"])  # what the participant keeps (and a bar on the address matches)
    about = demographics.parse_about(data.get("postcode_district"), data.get("age_band"))
    if data.get("display_name") is not None and data.get("resume_token") is None and not current_user.is_authenticated:
        # The storm case, a resident joining by name: group-committed, and no ORM at all.
        joining, token = newcomer(data["meeting_id"], data["display_name"], device_hash=device_hash,
                                  address_hash=address_hash, **about)
        participant_id = group_commit("newcomers").submit(joining)
        if participant_id is not None:
            participant = Participant(id=participant_id, display_name=joining.display_name,
                                      role=ParticipantRole.RESIDENT, muted=False)
            return _entering(data["meeting_id"], participant, token, _shared_state(data["meeting_id"], newcomer=True))
        # Refused: the checked path below says why (no such meeting, closed, removed from it).
    meeting = get_meeting(data["meeting_id"])
    participant, token = admit(
        meeting, user=current_user, display_name=data.get("display_name"), resume_token=data.get("resume_token"),
        now=utcnow(), device_hash=device_hash, address_hash=address_hash, about=about,
    )
    return _entering(meeting.id, participant, token, _state_on_entry(meeting, participant))


def _entering(meeting_id: int, participant: Participant, token: str, finish_state: Callable[[], dict]):
    """The ack of a join, and the step (after commit) that puts the socket in its rooms and sends `state`."""
    ack = {"ok": True, "participant": participant_data(participant), "resume_token": token}
    presence, sid = ticker().presence, request.sid
    person = person_key(_device(), participant.id)  # a browser's tabs count once, on any process
    participant_id, is_staff = participant.id, participant.is_staff

    def enter() -> None:
        for room in (rooms.public(meeting_id), rooms.staff(meeting_id)):
            socketio.server.leave_room(sid, room, namespace=NAMESPACE)
        join_room(rooms.staff(meeting_id) if is_staff else rooms.public(meeting_id))
        join_room(rooms.participant(participant_id))
        registry().add(rooms.participant(participant_id), sid)
        session[SESSION_PARTICIPANT], session[SESSION_MEETING] = participant_id, meeting_id
        session[SESSION_RESIDENT] = not is_staff
        presence.add(sid, meeting_id, person)
        ticker().ensure_running()
        ack["state"] = state = finish_state()  # the ack is sent after this, so it carries the same SNAPSHOT
        broadcast.state_here(sid, state)

    return ack, [enter]


@command("watch", {"meeting_id": Field("int")}, joined=False)
def watch(data):
    """Follow a meeting without taking part (most residents only watch).

    Sender: anyone, no name needed.
    Payload: `{"meeting_id": int}`.
    Errors: `rate_limited` (joins per address), `not_found` (the meeting).
    Receives: the sender the ack `{"ok": true, "state": SNAPSHOT}` (public, no `my_vote`), then the room's
    public events; the room a `presence` (coalesced). A later `join` replaces the watcher with the participant."""
    limits.check("join", address=_address())
    meeting = get_meeting(data["meeting_id"])
    if DEVICE_COOKIE in request.cookies:  # unique people who watched (pact/evidence/attendance.py)
        record_viewer(meeting, hash_secret(request.cookies[DEVICE_COOKIE]), now=utcnow())
    presence, sid = ticker().presence, request.sid
    person = person_key(_device(), sid=sid)  # without a device cookie, one anonymous person per socket
    finish_state = _state_on_entry(meeting, None)
    meeting_id, ack = meeting.id, {"ok": True}

    def enter() -> None:
        for room in (rooms.public(meeting_id), rooms.staff(meeting_id)):
            socketio.server.leave_room(sid, room, namespace=NAMESPACE)
        join_room(rooms.public(meeting_id))
        presence.add(sid, meeting_id, person)
        ticker().ensure_running()
        ack["state"] = finish_state()

    return ack, [enter]


@command("sync", {})
def sync(ctx: Context, _data):
    """Fetch a fresh SNAPSHOT: "I may have missed something".

    Sender: a joined participant.
    Payload: `{}`.
    Errors: `rate_limited` (30 in 10 seconds).
    Receives: the sender the ack `{"ok": true, "state": SNAPSHOT}`; nobody else."""
    limits.check("sync", participant=ctx.participant.id)
    state = _state_on_entry(ctx.meeting, ctx.participant)()  # already in the room
    return {"ok": True, "state": state}, []


@command("post_issue", {"text": Field("str"), "category": Field("str?", required=False)})
def post_issue(ctx: Context, data):
    """Raise an issue.

    Sender: a joined participant (not muted).
    Payload: `{"text": str, "category": str?}`: 1 to 1,000 characters after trimming.
    Errors: `rate_limited`, `muted`, `wrong_stage` (not scheduled or live), `empty`, `too_long`,
    `invalid_characters`, `invalid_category`, `duplicate` (the same text again within the window).
    Receives: the author the ack `{"ok": true, "issue": ISSUE}` (with `hold` and `message` when held for an
    officer); `issue_posted` to the room when public, to staff only when held."""
    limits.check("post", participant=ctx.participant.id, device=_device(), address=_address())
    posted = issues.post_issue(ctx.meeting, ctx.participant, data["text"], data.get("category"), now=utcnow(),
                               **_posting_rules())
    ack = {"ok": True, "issue": issue_data(posted.issue, 0, my_vote=False, for_author=True)}
    if posted.hold_message:
        ack["hold"], ack["message"] = posted.hold, translate(posted.hold_message)
    return ack, [broadcast.issue_posted(posted.issue)]


@command("vote", ISSUE_REF, lazy=True)
def vote(ctx: Context, data):
    """Support an issue (live) or give it a priority vote (voting).

    Sender: a joined resident (not muted).
    Payload: `{"issue_id": int}`.
    Errors: `rate_limited`, `muted`, `wrong_stage`, `not_found` (not public, merged), `own_issue`,
    `device_voted`, `duplicate`, and while voting `not_shortlisted`, `vote_limit_reached`.
    Receives: the voter the ack `{"ok": true}`; the room `tallies` (coalesced).

    A resident's support vote is group-committed (group_commit.py) without loading the ORM, and so is
    the refusal of a vote they have already given; any other vote that does not insert takes the
    full path below, which decides it and says why."""
    limits.check("vote", local=True, participant=ctx.participant_id, device=_device(), address=_address())
    if ctx.is_resident:
        answer = group_commit("support_votes").submit((ctx.participant_id, data["issue_id"]))
        if answer is True:
            return {"ok": True}, [broadcast.tallies_changed(ctx.meeting_id)]
        if answer == voting.ALREADY:  # a repeated vote, decided in the batch: no ORM load for it
            raise voting.already_voted()
    voting.cast_vote(ctx.meeting, ctx.participant, data["issue_id"], now=utcnow())
    return {"ok": True}, [broadcast.tallies_changed(ctx.meeting.id)]


@command("unvote", ISSUE_REF)
def unvote(ctx: Context, data):
    """Take a vote back (the current stage's kind).

    Sender: a joined resident (not muted).
    Payload: `{"issue_id": int}`.
    Errors: `rate_limited`, `muted`, `wrong_stage`, `not_found` (no such issue, or no vote to take back).
    Receives: the voter the ack `{"ok": true}`; the room `tallies` (coalesced)."""
    limits.check("vote", local=True, participant=ctx.participant.id, device=_device(), address=_address())
    voting.retract_vote(ctx.meeting, ctx.participant, data["issue_id"])
    return {"ok": True}, [broadcast.tallies_changed(ctx.meeting.id)]


@command("answer", {"issue_id": Field("int"), "text": Field("str")})
def answer(ctx: Context, data):
    """Answer an issue in writing (answering again replaces the words).

    Sender: an officer of the meeting's beat, or an admin, joined with their staff sign-in.
    Payload: `{"issue_id": int, "text": str}` (at most 4,000 characters).
    Errors: `forbidden`, `wrong_stage` (closed or cancelled), `not_found`, `empty`, `too_long`,
    `invalid_characters`.
    Receives: the officer the ack `{"ok": true}`; the room `issue_updated` with the answer (a held post's
    answer only its author and staff); the author an e-mail if they asked for one."""
    issue = issues.answer_issue(ctx.meeting, data["issue_id"], data["text"], user=ctx.user, now=utcnow())
    votes = voting.issue_votes(issue, voting.vote_kind(ctx.meeting))
    mailed = notifications.issue_answered(issue, utcnow())  # the author asked for an e-mail
    return {"ok": True}, [broadcast.issue_updated(issue, votes)] + ([dispatch_soon] if mailed else [])


@command("set_stage", {"stage": Field("str")})
def set_stage(ctx: Context, data):
    """Move the meeting to `live` or `voting`.

    Sender: an officer of the meeting's beat, or an admin, joined with their staff sign-in.
    Payload: `{"stage": "live" | "voting"}` (`close` closes the meeting).
    Errors: `forbidden`, `invalid_payload` (another stage), `wrong_stage` (a move the stages do not allow).
    Receives: the officer the ack `{"ok": true, "stage"}`; the room `stage_changed` `{"stage"}` when it
    changed; going live e-mails the beat's reminder subscribers."""
    require_moderator(ctx.user, ctx.meeting)
    target = stages.parse_stage(data["stage"])
    if target not in (Stage.LIVE, Stage.VOTING):
        raise DomainError("invalid_payload", "set_stage takes 'live' or 'voting'; use 'close' to close the meeting.")
    changed = stages.change_stage(ctx.meeting, target, now=utcnow())
    mailed = None
    if changed:
        audit.record("set_stage", now=utcnow(), user=ctx.user, meeting=ctx.meeting, target=f"meeting:{ctx.meeting.id}",
                     reason=target.value)
        if target is Stage.LIVE:
            mailed = notifications.meeting_live(ctx.meeting, utcnow())  # "live now" to reminder subscribers
    sends = [broadcast.stage_changed(ctx.meeting)] if changed else []
    return {"ok": True, "stage": target.value}, sends + ([dispatch_soon] if mailed else [])
