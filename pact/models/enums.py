"""State enums stored as strings (readable in SQL, portable across backends)."""
import enum


class Role(str, enum.Enum):
    """A staff account's role: officer (moderates their beats), inspector (oversees, reads), admin."""
    OFFICER = "officer"
    INSPECTOR = "inspector"
    ADMIN = "admin"


class Stage(str, enum.Enum):
    """A meeting's stage: scheduled → live → voting → closed, or cancelled (from scheduled only)."""
    SCHEDULED = "scheduled"
    LIVE = "live"
    VOTING = "voting"
    CLOSED = "closed"
    CANCELLED = "cancelled"  # only from scheduled (pact/scheduling/); residents see the reason


class ModerationMode(str, enum.Enum):
    """Whether residents' posts are public at once (open) or wait for an officer (premoderated)."""
    OPEN = "open"  # posts are public at once; officers hide and restore
    PREMODERATED = "premoderated"  # posts wait for an officer's approval


class ParticipantRole(str, enum.Enum):
    """What a participant is in a meeting: a resident, or staff (officer, inspector, admin)."""
    RESIDENT = "resident"
    OFFICER = "officer"
    INSPECTOR = "inspector"
    ADMIN = "admin"


class Visibility(str, enum.Enum):
    """Who may see an issue: everyone (public), its author and staff (held, hidden)."""
    PUBLIC = "public"
    HELD = "held"  # waiting for an officer (safeguarding, word list, pre-moderation)
    HIDDEN = "hidden"  # removed from public view by an officer


class VoteKind(str, enum.Enum):
    """Support while live, or a priority vote while voting."""
    SUPPORT = "support"  # "I share this" during the live stage
    PRIORITY = "priority"  # one of a resident's limited votes in the voting stage


class ProgressStatus(str, enum.Enum):
    """What became of an agreed priority's action."""
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CARRIED_OVER = "carried_over"


class Verdict(str, enum.Enum):
    """A resident's answer at the next meeting: was the priority dealt with?"""
    DEALT_WITH = "dealt_with"
    NOT_DEALT_WITH = "not_dealt_with"


class ReferralStatus(str, enum.Enum):
    """Where a referral to a partner agency stands."""
    OPEN = "open"  # sent to the partner, no word back yet
    ACCEPTED = "accepted"  # the partner has taken it on
    RESOLVED = "resolved"  # the partner says it is dealt with
    DECLINED = "declined"  # the partner will not act on it
