"""State enums stored as strings (readable in SQL, portable across backends)."""
import enum


class Role(str, enum.Enum):
    OFFICER = "officer"
    INSPECTOR = "inspector"
    ADMIN = "admin"


class Stage(str, enum.Enum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    VOTING = "voting"
    CLOSED = "closed"
    CANCELLED = "cancelled"  # only from scheduled (pact/scheduling/); residents see the reason


class ModerationMode(str, enum.Enum):
    OPEN = "open"  # posts are public at once; officers hide and restore
    PREMODERATED = "premoderated"  # posts wait for an officer's approval


class ParticipantRole(str, enum.Enum):
    RESIDENT = "resident"
    OFFICER = "officer"
    INSPECTOR = "inspector"
    ADMIN = "admin"


class Visibility(str, enum.Enum):
    PUBLIC = "public"
    HELD = "held"  # waiting for an officer (safeguarding, word list, pre-moderation)
    HIDDEN = "hidden"  # removed from public view by an officer


class VoteKind(str, enum.Enum):
    SUPPORT = "support"  # "I share this" during the live stage
    PRIORITY = "priority"  # one of a resident's limited votes in the voting stage


class ProgressStatus(str, enum.Enum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CARRIED_OVER = "carried_over"


class Verdict(str, enum.Enum):
    DEALT_WITH = "dealt_with"
    NOT_DEALT_WITH = "not_dealt_with"


class ReferralStatus(str, enum.Enum):
    OPEN = "open"  # sent to the partner, no word back yet
    ACCEPTED = "accepted"  # the partner has taken it on
    RESOLVED = "resolved"  # the partner says it is dealt with
    DECLINED = "declined"  # the partner will not act on it
