"""Meetings and the people taking part in them."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pact.models.base import Base, str_enum, utcnow
from pact.models.enums import ModerationMode, ParticipantRole, Stage

if TYPE_CHECKING:
    from pact.models.beat import Beat
    from pact.models.issue import Issue
    from pact.models.priority import Priority
    from pact.models.user import User



class Meeting(Base):
    """A PACT meeting of a beat: schedule, stage and its times, moderation mode, stream and hall details."""
    __tablename__ = "meetings"
    __table_args__ = (CheckConstraint("ends_at IS NULL OR ends_at > starts_at", name="ends_after_start"),
                      Index("ix_meetings_beat_id_starts_at", "beat_id", "starts_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    beat_id: Mapped[int] = mapped_column(ForeignKey("beats.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime]
    stage: Mapped[Stage] = mapped_column(str_enum(Stage), default=Stage.SCHEDULED)
    moderation: Mapped[ModerationMode] = mapped_column(str_enum(ModerationMode), default=ModerationMode.OPEN)
    votes_per_resident: Mapped[int] = mapped_column(default=3)
    peak_watching: Mapped[int] = mapped_column(default=0)
    opened_at: Mapped[datetime | None]
    voting_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Scheduling from the web (pact/scheduling/): what residents read before and around the meeting.
    ends_at: Mapped[datetime | None]
    description: Mapped[str | None] = mapped_column(Text)
    venue: Mapped[str | None] = mapped_column(String(200))  # hybrid or in-person meetings
    stream_url: Mapped[str | None] = mapped_column(String(500))
    dial_in: Mapped[str | None] = mapped_column(String(80))  # a phone number for residents without internet
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_at: Mapped[datetime | None]
    updated_at: Mapped[datetime | None]  # last change of time, place or details (calendar, Atom)
    sequence: Mapped[int] = mapped_column(default=0)  # iCalendar SEQUENCE: raised by each reschedule
    room_size: Mapped[int | None]  # hybrid meetings: people in the hall, as the officer counted them

    beat: Mapped[Beat] = relationship(back_populates="meetings")
    participants: Mapped[list[Participant]] = relationship(back_populates="meeting", cascade="all, delete-orphan")
    issues: Mapped[list[Issue]] = relationship(back_populates="meeting", cascade="all, delete-orphan")
    priorities: Mapped[list[Priority]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Priority.position"
    )

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.stage.value}>"


class Participant(Base):
    """A person's presence in one meeting: a resident by display name, or a staff member."""

    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    display_name: Mapped[str] = mapped_column(String(80))
    role: Mapped[ParticipantRole] = mapped_column(str_enum(ParticipantRole), default=ParticipantRole.RESIDENT)
    # The resume token is given to the client once; only its hash is kept.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # A per-browser cookie id (hashed), so a removed resident cannot rejoin under a new name.
    device_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    address_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    # Removed "and their address for a while": nobody joins this meeting from that address until then.
    address_banned_until: Mapped[datetime | None] = mapped_column(default=None)
    muted: Mapped[bool] = mapped_column(default=False)
    removed: Mapped[bool] = mapped_column(default=False)
    joins: Mapped[int] = mapped_column(default=1)  # how many times they joined or resumed
    # Optional, anonymous, given at join for evidence (who took part vs who lives there).
    postcode_district: Mapped[str | None] = mapped_column(String(4))
    age_band: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="participants")
    user: Mapped[User | None] = relationship()

    @property
    def is_staff(self) -> bool:
        """Whether this participant joined as staff (not a resident)."""
        return self.role is not ParticipantRole.RESIDENT

    def __repr__(self) -> str:
        return f"<Participant {self.id} {self.display_name!r}>"
