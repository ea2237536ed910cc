"""Typed SQLAlchemy 2 models. Importing this package registers every table."""
from pact.models.audit import AuditEntry
from pact.models.base import Base, utcnow
from pact.models.beat import Beat, beat_staff
from pact.models.enums import (
    ModerationMode,
    ParticipantRole,
    ProgressStatus,
    Role,
    Stage,
    Verdict,
    Visibility,
    VoteKind,
)
from pact.models.issue import Answer, Issue, Vote
from pact.models.meeting import Meeting, Participant
from pact.models.place import BeatBoundary, Postcode
from pact.models.priority import Priority, PriorityVerdict, ProgressUpdate
from pact.models.user import StaffSession, User

__all__ = [
    "AuditEntry", "Answer", "Base", "Beat", "BeatBoundary", "Postcode", "Issue", "Meeting", "ModerationMode", "Participant",
    "ParticipantRole", "Priority", "PriorityVerdict", "ProgressStatus", "ProgressUpdate", "Role",
    "StaffSession", "Stage", "User", "Verdict", "Visibility", "Vote", "VoteKind", "beat_staff", "utcnow",
]
