"""Room names. The server owns them; no room name ever comes from a client."""


def public(meeting_id: int) -> str:
    """Residents of a meeting: receive only what the public may see."""
    return f"meeting:{meeting_id}"


def staff(meeting_id: int) -> str:
    """Staff in a meeting: receive everything, held and hidden posts marked."""
    return f"meeting:{meeting_id}:staff"


def participant(participant_id: int) -> str:
    """One participant's sockets (several tabs): their own moderated posts, mute notices."""
    return f"participant:{participant_id}"


def user(user_id: int) -> str:
    """One staff account's sockets, for sign-out and role changes."""
    return f"user:{user_id}"


def public_meeting(room: str) -> int | None:
    """The meeting whose public room this is, or None for any other room."""
    prefix, _, rest = room.partition(":")
    return int(rest) if prefix == "meeting" and rest.isdigit() else None
