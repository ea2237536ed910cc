"""Typed SQLAlchemy 2 models. Importing this package registers every table."""
from pact.models.audit import AuditEntry
from pact.models.base import Base, utcnow
from pact.models.beat import Beat, beat_staff
from pact.models.enums import (
    ModerationMode,
    ParticipantRole,
    ProgressStatus,
    ReferralStatus,
    Role,
    Stage,
    Verdict,
    Visibility,
    VoteKind,
)
from pact.models.evidence import BeatPopulation, MeetingFigures, MeetingViewer, PulseAnswer, Referral
from pact.models.issue import Answer, Issue, Vote
from pact.models.meeting import Meeting, Participant
from pact.models.notification import (
    AccountToken,
    AnswerWatch,
    DeliveryState,
    MailDelivery,
    MailEvent,
    MailKind,
    Subscription,
    SubscriptionState,
    TokenPurpose,
)
from pact.models.place import BeatBoundary, Postcode
from pact.models.priority import Priority, PriorityCorrection, PriorityVerdict, ProgressUpdate
from pact.models.user import StaffSession, User

__all__ = [
    "AuditEntry", "Answer", "Base", "Beat", "BeatBoundary", "Issue", "Meeting", "ModerationMode", "Participant",
    "ParticipantRole", "Postcode", "Priority", "PriorityCorrection", "PriorityVerdict", "ProgressStatus",
    "ProgressUpdate", "Role",
    "StaffSession", "Stage", "User", "Verdict", "Visibility", "Vote", "VoteKind", "beat_staff", "utcnow",
    "AccountToken", "AnswerWatch", "DeliveryState", "MailDelivery", "MailEvent", "MailKind", "Subscription",
    "SubscriptionState", "TokenPurpose",
]
__all__ += ["BeatPopulation", "MeetingFigures", "MeetingViewer", "PulseAnswer", "Referral", "ReferralStatus"]
