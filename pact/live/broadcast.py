"""Every server→client emit, by name.

Each function builds its payloads from the objects *now* (inside the transaction, after flush) and
returns a sender; adapters call the sender only after the transaction has committed, so no
transaction is ever held open across an emit and nothing is announced that was not saved.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from pact.extensions import socketio
from pact.live import NAMESPACE, rooms
from pact.meetings.snapshot import issue_data, redacted_issue
from pact.models import Issue, Meeting, Participant, Visibility
from pact.services import services

log = logging.getLogger(__name__)

Send = Callable[[], None]
Message = tuple[str, Any, str]  # event, payload, room


def emit(event: str, data: Any, room: str) -> None:
    """Send `event` to a room (through the message queue when there is one); a failed publish is logged, never
    raised: the change is already committed."""
    try:
        socketio.emit(event, data, namespace=NAMESPACE, to=room)
    except Exception:  # a failed queue publish must not undo a committed change
        log.exception("emit %s to %s failed; clients catch up on resync", event, room)


def _sender(messages: list[Message]) -> Send:
    def send() -> None:
        for event, data, room in messages:
            emit(event, data, room)

    return send


def _to_meeting(meeting_id: int, event: str, data: Any) -> list[Message]:
    return [(event, data, rooms.public(meeting_id)), (event, data, rooms.staff(meeting_id))]


def issue_posted(issue: Issue, votes: int = 0) -> Send:
    """A new issue: public ones to everyone; held ones to staff only (the author has the ack)."""
    messages: list[Message] = []
    if issue.is_public:
        messages.append(("issue_posted", issue_data(issue, votes), rooms.public(issue.meeting_id)))
    messages.append(("issue_posted", issue_data(issue, votes, for_staff=True), rooms.staff(issue.meeting_id)))
    return _sender(messages)


def issue_updated(issue: Issue, votes: int, support: int | None = None) -> Send:
    """Answered, hidden, restored, approved, merged: residents see public issues in full and only
    the fact that others went away; staff see all; the author sees their own post and the reason."""
    meeting_id = issue.meeting_id
    public_view = issue_data(issue, votes, support=support) if issue.is_public else redacted_issue(issue)
    messages: list[Message] = [
        ("issue_updated", issue_data(issue, votes, support=support, for_staff=True), rooms.staff(meeting_id)),
    ]
    if issue.visibility is not Visibility.HELD:  # residents never saw a held post: not even its id goes out
        messages.insert(0, ("issue_updated", public_view, rooms.public(meeting_id)))
    if not issue.is_public:
        messages.append(("issue_updated", issue_data(issue, votes, support=support, for_author=True),
                         rooms.participant(issue.participant_id)))
    return _sender(messages)


def tallies_changed(meeting_id: int) -> Send:
    """Coalesced: the ticker sends `tallies` at most every interval (see ticker.py)."""
    ticker = services().ticker
    return lambda: ticker.mark_tallies(meeting_id)


def room_size_changed(meeting: Meeting) -> Send:
    """Hybrid meetings: how many people the officer counted in the hall, to everyone in the meeting."""
    return _sender(_to_meeting(meeting.id, "room_size", {"room_size": meeting.room_size}))


def stage_changed(meeting: Meeting) -> Send:
    """Sender of `stage_changed` `{"stage"}` to everyone in the meeting; the ticker then forgets the counts it last
    sent (the new stage counts other votes)."""
    ticker = services().ticker
    meeting_id, messages = meeting.id, _to_meeting(meeting.id, "stage_changed", {"stage": meeting.stage.value})

    def send() -> None:
        _sender(messages)()
        ticker.reset_tallies(meeting_id)

    return send


def _all(sends: list[Send]) -> Send:
    def send() -> None:
        for each in sends:
            each()

    return send


def shortlist_changed(changed: list[Issue], counts: dict[int, int], support: dict[int, int]) -> Send:
    """Issues that joined or left the shortlist: `issue_updated` for each, to the room and staff."""
    sends = [issue_updated(issue, counts.get(issue.id, 0), support.get(issue.id, 0)) for issue in changed]
    return _all(sends)


def issue_merged(source: Issue, target: Issue, votes: int, support: int, moved_voters: list[int]) -> Send:
    """A duplicate folded into another issue: the duplicate leaves everyone's list, the target
    shows its new count, and each resident whose vote moved is told it now counts for the target."""
    sends = [issue_updated(source, 0, 0), issue_updated(target, votes, support)]
    if target.is_public:
        mine = issue_data(target, votes, support=support, my_vote=True)
        sends.append(_sender([("issue_updated", mine, rooms.participant(pid)) for pid in moved_voters]))
    return _all(sends)


def meeting_closed(meeting: Meeting, summary_url: str) -> Send:
    """The meeting closed: `stage_changed` then `meeting_closed` {summary_url} to everyone in it."""
    stage = stage_changed(meeting)
    closed = _sender(_to_meeting(meeting.id, "meeting_closed", {"summary_url": summary_url}))

    def send() -> None:
        stage()
        closed()

    return send


def verdicts_changed(meeting_id: int, priority_id: int, counts: dict[str, int]) -> Send:
    """A resident's verdict on a previous priority: the running counts to staff only (residents
    are not swayed by others' answers, and a busy room is spared a message per verdict)."""
    return _sender([("verdicts", {"priority_id": priority_id, **counts}, rooms.staff(meeting_id))])


# --- moderation (pact/live/moderation_handlers.py) ---------------------------------------------

def issue_moderated(issue: Issue, was_public: bool, votes: int, support: int) -> Send:
    """Hidden, restored or approved. Residents: `issue_posted` when a post becomes public (approved,
    or restored: their page dropped it when hidden), `issue_updated` (words removed) when a public
    one is hidden, nothing about posts they never saw.
    Staff: `issue_updated` in full. The author: `issue_updated` with the status and the reason."""
    meeting_id, messages = issue.meeting_id, []
    if issue.is_public:
        event = "issue_updated" if was_public else "issue_posted"
        messages.append((event, issue_data(issue, votes, support=support), rooms.public(meeting_id)))
    elif was_public:
        messages.append(("issue_updated", redacted_issue(issue), rooms.public(meeting_id)))
    messages.append(("issue_updated", issue_data(issue, votes, support=support, for_staff=True), rooms.staff(meeting_id)))
    messages.append(("issue_updated", issue_data(issue, votes, support=support, for_author=True),
                     rooms.participant(issue.participant_id)))
    return _sender(messages)


def moderation_changed(meeting: Meeting) -> Send:
    """The officer switched open / pre-moderated: `moderation_changed` {moderation, message} to everyone."""
    premoderated = meeting.moderation.value == "premoderated"
    message = ("An officer now checks new posts before they appear." if premoderated
               else "New posts now appear straight away; officers may still hide posts.")
    return _sender(_to_meeting(meeting.id, "moderation_changed",
                               {"moderation": meeting.moderation.value, "message": message}))


def _participant_view(participant: Participant) -> dict[str, Any]:
    return {"id": participant.id, "display_name": participant.display_name, "role": participant.role.value,
            "muted": participant.muted, "removed": participant.removed}


def participant_muted(participant: Participant) -> Send:
    """`muted` / `unmuted` {message} to that participant's sockets; `participant_updated` to staff."""
    if participant.muted:
        event, message = "muted", "A moderator has muted you: you can still watch, but not post or vote."
    else:
        event, message = "unmuted", "A moderator has unmuted you: you can post and vote again."
    return _sender([(event, {"message": message}, rooms.participant(participant.id)),
                    ("participant_updated", _participant_view(participant), rooms.staff(participant.meeting_id))])


def participant_removed(participant: Participant) -> Send:
    """`removed` {message} to that participant's sockets, which are then closed; `participant_updated` to staff."""
    participant_id, staff_message = participant.id, ("participant_updated", _participant_view(participant),
                                                      rooms.staff(participant.meeting_id))
    notice = ("removed", {"message": "A moderator has removed you from this meeting. You cannot rejoin it. "
                                     "In an emergency call 999; to report a crime call 101 or report online."},
              rooms.participant(participant_id))

    def send() -> None:
        _sender([notice, staff_message])()
        disconnect_room(rooms.participant(participant_id))

    return send


def staff_access_changed(user_id: int) -> Send:
    """An admin changed the account (role, beats, deactivated): tell its sockets and close them, so
    no staff room keeps feeding it; the page reloads with whatever access remains."""
    def send() -> None:
        emit("access_changed", {"message": "An admin changed your account's access. Reload the page to continue."},
             rooms.user(user_id))
        disconnect_room(rooms.user(user_id))

    return send


def disconnect_room(room: str) -> None:
    """Close every socket in `room` on every process: this process's from its own rooms, the others'
    through the message queue, by the ids the registry recorded (pact/live/registry.py)."""
    server = socketio.server
    if server is None:
        return
    try:
        sids = {sid for sid, _ in server.manager.get_participants(NAMESPACE, room)}
    except (KeyError, ValueError):
        sids = set()
    sids |= services().registry.sids(room)
    for sid in sids:
        server.disconnect(sid, namespace=NAMESPACE)


# --- sent outside any transaction (ticker, sign-out) -------------------------------------------

# --- this process's sockets only (ticker; see ticker.py for why each process sends its own) -----

def emit_here(event: str, data: Any, room: str) -> None:
    """Emit to the sockets connected to this process, not through the message queue."""
    server = socketio.server
    if server is None:
        return
    try:
        server.emit(event, data, namespace=NAMESPACE, to=room, ignore_queue=True)
    except Exception:
        log.exception("local emit %s to %s failed", event, room)


def tallies_here(meeting_id: int, counts: dict[int, int]) -> None:
    """`tallies` {issue_id: votes} (changed counts only) to this process's sockets in the meeting."""
    payload = {str(issue_id): n for issue_id, n in counts.items()}
    for message in _to_meeting(meeting_id, "tallies", payload):
        emit_here(*message)


def presence_here(meeting_id: int, watching: int) -> None:
    """`presence` {watching} (all processes' watchers) to this process's sockets in the meeting."""
    for message in _to_meeting(meeting_id, "presence", {"watching": watching}):
        emit_here(*message)


def resync_here(meeting_id: int) -> None:
    """`resync` to this process's sockets in the meeting (the message queue was down: they may have missed posts)."""
    for message in _to_meeting(meeting_id, "resync", {"meeting_id": meeting_id}):
        emit_here(*message)


def state_here(sid: str, state: dict[str, Any]) -> None:
    """`state` SNAPSHOT to one socket of this process (on join): no trip through the queue."""
    emit_here("state", state, sid)


def staff_signed_out(user_id: int) -> None:
    """Sign-out over HTTP: tell that account's open sockets, then drop the ones on this process."""
    emit("signed_out", {"message": "You have signed out. Reload the page to continue as a resident."},
         rooms.user(user_id))
    disconnect_room(rooms.user(user_id))
