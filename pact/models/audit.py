"""Append-only log of staff actions and refused forged commands."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pact.models.base import Base, utcnow


class AuditEntry(Base):
    """Nothing in the app updates or deletes these rows (see pact/meetings/audit.py)."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"), index=True)
    beat_id: Mapped[int | None] = mapped_column(ForeignKey("beats.id", ondelete="SET NULL"), index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(120))
    actor_role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(120))
    reason: Mapped[str | None] = mapped_column(Text)
    hold_code: Mapped[str | None] = mapped_column(String(32))  # safeguarding hold code the act concerns
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
