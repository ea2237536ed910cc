"""What evidence needs beyond the meeting itself: pulse answers, referrals, viewers, population profiles."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pact.models.base import Base, str_enum, utcnow
from pact.models.enums import ReferralStatus

if TYPE_CHECKING:
    from pact.models.issue import Issue


class PulseAnswer(Base):
    """A resident's two answers at the close (1–5 each, either may be skipped); one row per participant."""

    __tablename__ = "pulse_answers"
    __table_args__ = (
        UniqueConstraint("participant_id"),
        CheckConstraint("listened IS NULL OR (listened BETWEEN 1 AND 5)", name="listened_1_to_5"),
        CheckConstraint("confidence IS NULL OR (confidence BETWEEN 1 AND 5)", name="confidence_1_to_5"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    listened: Mapped[int | None]
    confidence: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Referral(Base):
    """An issue an officer passed to a partner agency (council, housing…), with a note and a status."""

    __tablename__ = "referrals"
    __table_args__ = (UniqueConstraint("issue_id", "partner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    partner: Mapped[str] = mapped_column(String(32))  # a key of the REFERRAL_PARTNERS setting
    note: Mapped[str] = mapped_column(Text)
    status: Mapped[ReferralStatus] = mapped_column(str_enum(ReferralStatus), default=ReferralStatus.OPEN)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    by_name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    issue: Mapped[Issue] = relationship()


class MeetingViewer(Base):
    """A browser that watched a meeting (its hashed device key), so "unique people who watched" can be counted."""

    __tablename__ = "meeting_viewers"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    device_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class BeatPopulation(Base):
    """A beat's population share in one age band, imported by the force (`flask population import`)."""

    __tablename__ = "beat_populations"
    __table_args__ = (CheckConstraint("share >= 0 AND share <= 1", name="share_0_to_1"),)

    beat_id: Mapped[int] = mapped_column(ForeignKey("beats.id", ondelete="CASCADE"), primary_key=True)
    age_band: Mapped[str] = mapped_column(String(8), primary_key=True)
    share: Mapped[float] = mapped_column(Float)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)



class MeetingFigures(Base):
    """A closed meeting's attendance and pulse figures, written at the close (pact/evidence/attendance.py
    `store_figures`): the evidence page reads 2,500 of these instead of re-counting 500,000 participants
    and 50,000 pulse answers on every view."""

    __tablename__ = "meeting_figures"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int]  # FIGURES_VERSION when computed: a change in how figures are counted recomputes them
    data: Mapped[str] = mapped_column(Text)  # JSON of attendance.Attendance
    pulse: Mapped[str | None] = mapped_column(Text)  # JSON of pulse.PulseFigures; kept current after the close
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
