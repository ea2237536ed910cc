"""What a meeting agreed: priorities, the action promised, progress, and residents' verdicts."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pact.models.base import Base, str_enum, utcnow
from pact.models.enums import ProgressStatus, Verdict

if TYPE_CHECKING:
    from pact.models.issue import Issue
    from pact.models.meeting import Meeting


class Priority(Base):
    """A priority agreed at a meeting's close: its public wording, action, owner, review date and status."""
    __tablename__ = "priorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issues.id", ondelete="SET NULL"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)  # the issue's words as agreed
    votes: Mapped[int] = mapped_column(default=0)
    action: Mapped[str] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(120))
    review_on: Mapped[date | None]
    status: Mapped[ProgressStatus] = mapped_column(str_enum(ProgressStatus), default=ProgressStatus.OPEN)
    agreed_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]  # when an officer last corrected it after the meeting

    meeting: Mapped[Meeting] = relationship(back_populates="priorities")
    issue: Mapped[Issue | None] = relationship()
    updates: Mapped[list[ProgressUpdate]] = relationship(
        back_populates="priority", cascade="all, delete-orphan", order_by="ProgressUpdate.created_at"
    )
    corrections: Mapped[list[PriorityCorrection]] = relationship(
        back_populates="priority", cascade="all, delete-orphan",
        order_by="(PriorityCorrection.created_at, PriorityCorrection.id)",
    )


class PriorityCorrection(Base):
    """One field of an agreed priority corrected after the meeting: who, when, before and after."""

    __tablename__ = "priority_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priorities.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    by_name: Mapped[str] = mapped_column(String(80))
    field: Mapped[str] = mapped_column(String(20))  # title, action, owner or review_on
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    priority: Mapped[Priority] = relationship(back_populates="corrections")


class ProgressUpdate(Base):
    """An officer's report on a priority's action: the new status and a note."""
    __tablename__ = "progress_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priorities.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    by_name: Mapped[str] = mapped_column(String(80))
    status: Mapped[ProgressStatus] = mapped_column(str_enum(ProgressStatus))
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    priority: Mapped[Priority] = relationship(back_populates="updates")


class PriorityVerdict(Base):
    """A resident's view, at the next meeting, of whether a priority was dealt with."""

    __tablename__ = "priority_verdicts"
    __table_args__ = (UniqueConstraint("priority_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priorities.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    verdict: Mapped[Verdict] = mapped_column(str_enum(Verdict))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
