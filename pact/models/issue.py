"""Issues residents raise, officers' answers, and votes."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pact.models.base import Base, str_enum, utcnow
from pact.models.enums import Visibility, VoteKind

if TYPE_CHECKING:
    from pact.models.evidence import Referral
    from pact.models.meeting import Meeting, Participant
    from pact.models.user import User



class Issue(Base):
    """A resident's post in a meeting: its text, category, visibility, moderation and hall counts."""
    __tablename__ = "issues"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(32), default="other")
    visibility: Mapped[Visibility] = mapped_column(str_enum(Visibility), default=Visibility.PUBLIC)
    hold_reason: Mapped[str | None] = mapped_column(String(64))  # machine code: personal_data, emergency…
    moderation_reason: Mapped[str | None] = mapped_column(String(500))  # officer's words when hidden
    original_text: Mapped[str | None] = mapped_column(Text)  # the resident's words before an officer redacted them: staff only
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("issues.id", ondelete="SET NULL"))
    shortlisted: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Hybrid meetings (pact/meetings/hybrid.py): the hall's show of hands, entered by an officer.
    raised_in_room: Mapped[bool] = mapped_column(default=False)  # an officer typed it in from the floor
    in_room_support: Mapped[int] = mapped_column(default=0)  # hands for "I share this" while live
    in_room_votes: Mapped[int] = mapped_column(default=0)  # hands for it as a priority while voting

    meeting: Mapped[Meeting] = relationship(back_populates="issues")
    author: Mapped[Participant] = relationship()
    answer: Mapped[Answer | None] = relationship(back_populates="issue", cascade="all, delete-orphan", uselist=False)
    # Partners it was referred to (pact/evidence/referrals.py): ISSUE's `referred_to`. Read-only here.
    referrals: Mapped[list[Referral]] = relationship(viewonly=True, order_by="Referral.id")

    @property
    def is_public(self) -> bool:
        """Residents see it: public and not merged into another issue."""
        return self.visibility is Visibility.PUBLIC and self.merged_into_id is None

    @property
    def status(self) -> str:
        """The one word clients show: held, hidden, merged, answered or open."""
        if self.visibility is not Visibility.PUBLIC:
            return self.visibility.value
        if self.merged_into_id is not None:
            return "merged"
        if self.answer is not None:
            return "answered"
        return "open"


class Answer(Base):
    """An officer's written answer to an issue (one per issue; answering again replaces it)."""
    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    by_name: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    issue: Mapped[Issue] = relationship(back_populates="answer")
    user: Mapped[User | None] = relationship()


class Vote(Base):
    """One vote per participant per issue per kind — a database constraint, not a hope."""

    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("participant_id", "issue_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    kind: Mapped[VoteKind] = mapped_column(str_enum(VoteKind), default=VoteKind.SUPPORT)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
