"""What officers do to keep a meeting safe: hide, restore and approve posts, mute and remove
participants, switch between open and pre-moderated posting. Every act is audited.

Only an officer of the meeting's beat (or an admin) may act; the acting user comes from the
adapter, freshly loaded for this request or event.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from pact.evidence.attendance import refresh_figures
from pact.extensions import db
from pact.meetings import audit, duplicates
from pact.meetings.errors import DomainError, not_found
from pact.meetings.issues import ISSUE_LIMIT, get_issue
from pact.meetings.lookup import member
from pact.meetings.permissions import require_moderator
from pact.meetings.safeguarding.queue import queue_order
from pact.meetings.text import LIMITS, clean_text
from pact.models import Issue, Meeting, ModerationMode, Participant, Stage, User, Visibility

REASON_LIMIT = LIMITS["reason"]
ACTIONS = ("hide", "restore", "approve", "redact")


@dataclass(frozen=True)
class Moderated:
    """What a moderation act changed: the issue, and whether residents could see it before."""
    issue: Issue
    was_public: bool  # whether residents could see it before this act


def _reason(raw: object) -> str | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return clean_text(raw, field="reason", max_length=REASON_LIMIT, multiline=False)


def moderate_issue(meeting: Meeting, issue_id: object, action: object, raw_reason: object = None, *,
                   user: User | None, now: datetime, raw_text: object = None) -> Moderated:
    """hide: take a post out of public view (held or public); restore: undo a hide; approve:
    publish a held post; redact: publish a held (or public) post with `raw_text`, the officer's copy
    with the personal data taken out. The reason is shown to the post's author.

    Raises `forbidden` (not an officer of the beat), `invalid_payload` (another action, or a text
    with anything but `redact`), `not_found` (the issue), `wrong_state` (already hidden, not hidden,
    not waiting), `unchanged` (a redaction with the same words), `empty` / `too_long` for the reason or text."""
    require_moderator(user, meeting)
    if action not in ACTIONS:
        raise DomainError("invalid_payload", "action must be 'hide', 'restore', 'approve' or 'redact'.", field="action")
    issue = get_issue(meeting, issue_id)
    reason = _reason(raw_reason)
    was_public = issue.is_public
    if action == "redact":
        redacted = _redact(meeting, issue, raw_text, reason, user=user, now=now)
        _recount_if_closed(meeting)
        return redacted
    if raw_text is not None:
        raise DomainError("invalid_payload", "Only 'redact' takes a text.", field="text")
    if action == "hide":
        if issue.visibility is Visibility.HIDDEN:
            raise DomainError("wrong_state", "That issue is already hidden.", status=issue.status)
        issue.visibility, issue.moderation_reason = Visibility.HIDDEN, reason
    elif action == "restore":
        if issue.visibility is not Visibility.HIDDEN:
            raise DomainError("wrong_state", "Only a hidden issue can be restored.", status=issue.status)
        issue.visibility, issue.moderation_reason = Visibility.PUBLIC, None
    else:
        if issue.visibility is not Visibility.HELD:
            raise DomainError("wrong_state", "That issue is not waiting for approval.", status=issue.status)
        issue.visibility = Visibility.PUBLIC
    audit.record(str(action), now=now, user=user, meeting=meeting, target=f"issue:{issue.id}",
                 reason=reason or (f"held: {issue.hold_reason}" if action == "approve" and issue.hold_reason else None),
                 hold=issue.hold_reason)
    db.session.flush()
    _recount_if_closed(meeting)
    return Moderated(issue, was_public)


def _recount_if_closed(meeting: Meeting) -> None:
    """After the close, a hide, restore or approval changes the issues raised: count its evidence again."""
    if meeting.stage is Stage.CLOSED:
        refresh_figures(meeting)


def _redact(meeting: Meeting, issue: Issue, raw_text: object, reason: str | None, *, user: User | None,
            now: datetime) -> Moderated:
    """Publish the officer's edited copy; the resident's first words stay for staff of the beat only."""
    if issue.visibility is Visibility.HIDDEN or issue.merged_into_id is not None:
        raise DomainError("wrong_state", "Only a held or public issue can be redacted.", status=issue.status)
    text = clean_text(raw_text, field="text", max_length=ISSUE_LIMIT)
    if text == issue.text:
        raise DomainError("unchanged", "The redacted text is the same as the post: edit out the personal details, "
                                       "or approve it as it is.", field="text")
    was_public = issue.is_public
    original = issue.original_text if issue.original_text is not None else issue.text
    issue.original_text, issue.text, issue.visibility = original, text, Visibility.PUBLIC
    duplicates.forget(meeting.id)  # a suggestion must never show the words taken out
    issue.moderation_reason = reason
    audit.record("redact", now=now, user=user, meeting=meeting, target=f"issue:{issue.id}",
                 reason=f"original: {original}\npublished: {text}" + (f"\nreason: {reason}" if reason else ""),
                 hold=issue.hold_reason)
    db.session.flush()
    return Moderated(issue, was_public)


def held_issues(meeting: Meeting) -> list[Issue]:
    """The moderation queue: emergency and welfare holds first, then the rest, each oldest first."""
    return queue_order(db.session.scalars(
        select(Issue).where(Issue.meeting_id == meeting.id, Issue.visibility == Visibility.HELD)
    ))


def set_moderation(meeting: Meeting, raw_mode: object, *, user: User | None, now: datetime) -> bool:
    """Open (posts public at once) or pre-moderated (posts wait for approval). Returns whether it changed.

    Posts already waiting stay waiting when a meeting goes back to open: an officer decides each.
    Raises `forbidden` (not an officer of the beat), `invalid_payload` (another mode)."""
    require_moderator(user, meeting)
    mode = member(ModerationMode, raw_mode, code="invalid_payload", message="mode must be 'open' or 'premoderated'.",
                  field="mode")
    if meeting.moderation is mode:
        return False
    meeting.moderation = mode
    audit.record("set_moderation", now=now, user=user, meeting=meeting, target=f"meeting:{meeting.id}",
                 reason=mode.value)
    db.session.flush()
    return True


def _target(meeting: Meeting, participant_id: object) -> Participant:
    if not isinstance(participant_id, int) or isinstance(participant_id, bool):
        raise DomainError("invalid_payload", "participant_id must be a whole number.", field="participant_id")
    target = db.session.get(Participant, participant_id)
    if target is None or target.meeting_id != meeting.id:
        raise not_found("participant")
    if target.is_staff:
        raise DomainError("invalid_target", "Staff cannot be muted or removed; their access is managed by an admin.")
    return target


def mute_participant(meeting: Meeting, participant_id: object, *, muted: bool, user: User | None,
                     now: datetime, raw_reason: object = None) -> tuple[list[Participant], bool]:
    """Mute (can watch, cannot post or vote) or unmute a resident, and every other name their
    browser (device cookie) took in this meeting; a name it takes later starts muted too. Returns the
    participants that changed (the target first) and whether any did.

    Raises `forbidden` (not an officer of the beat), `invalid_payload` / `not_found` / `invalid_target`
    (not a resident of this meeting), `wrong_state` (already removed)."""
    require_moderator(user, meeting)
    target = _target(meeting, participant_id)
    reason = _reason(raw_reason)
    if target.removed:
        raise DomainError("wrong_state", "That participant has been removed from the meeting.")
    changed = [p for p in [target, *same_device(meeting, target)] if p.muted is not muted and not p.removed]
    if not changed:
        return [target], False
    for participant in changed:
        participant.muted = muted
    audit.record("mute" if muted else "unmute", now=now, user=user, meeting=meeting,
                 target=f"participant:{target.id} {target.display_name}"[:120],
                 reason=_with_siblings(reason, len(changed) - (target in changed)))
    db.session.flush()
    return changed, True


def remove_participant(meeting: Meeting, participant_id: object, *, user: User | None, now: datetime,
                       raw_reason: object = None, address_minutes: int | None = None,
                       ) -> tuple[list[Participant], bool]:
    """Remove a resident: their connections close and they cannot rejoin from the same browser;
    every other name that browser took in this meeting is removed too. With `address_minutes`,
    nobody joins this meeting from their address for that long (a shared address: use sparingly).

    Their posts stay as they are; an officer hides any that must go. Returns the participants
    removed (the target first) and whether any were. Raises `forbidden` (not an officer of the
    beat), `invalid_payload` / `not_found` / `invalid_target` (not a resident of this meeting),
    `invalid_payload` (`address_minutes` not 1–1440)."""
    require_moderator(user, meeting)
    target = _target(meeting, participant_id)
    reason = _reason(raw_reason)
    if address_minutes is not None and not (isinstance(address_minutes, int) and not isinstance(address_minutes, bool)
                                            and 1 <= address_minutes <= 1440):
        raise DomainError("invalid_payload", "address_minutes must be a whole number from 1 to 1440.",
                          field="address_minutes")
    if address_minutes and target.address_hash:
        target.address_banned_until = now + timedelta(minutes=address_minutes)
    changed = [p for p in [target, *same_device(meeting, target)] if not p.removed]
    note = f"address barred for {address_minutes} min" if address_minutes else None
    if changed or note:
        for participant in changed:
            participant.removed, participant.muted = True, True
        audit.record("remove", now=now, user=user, meeting=meeting,
                     target=f"participant:{target.id} {target.display_name}"[:120],
                     reason=_with_siblings("; ".join(filter(None, [reason, note])) or None,
                                           len(changed) - (target in changed)))
    db.session.flush()
    return changed or [target], bool(changed)


def same_device(meeting: Meeting, participant: Participant) -> list[Participant]:
    """The other residents of this meeting who joined from the same browser (device cookie)."""
    if participant.device_hash is None:
        return []
    return list(db.session.scalars(select(Participant).where(
        Participant.meeting_id == meeting.id, Participant.device_hash == participant.device_hash,
        Participant.id != participant.id, Participant.user_id.is_(None)).order_by(Participant.id)))


def _with_siblings(reason: str | None, siblings: int) -> str | None:
    if not siblings:
        return reason
    extra = f"and {siblings} other name{'s' if siblings != 1 else ''} from the same browser"
    return f"{reason} ({extra})" if reason else extra
