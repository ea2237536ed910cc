"""Beats (police neighbourhoods) and the staff assigned to them."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pact.models.base import Base, utcnow

if TYPE_CHECKING:
    from pact.models.meeting import Meeting
    from pact.models.user import User

beat_staff = Table(
    "beat_staff",
    Base.metadata,
    Column("beat_id", ForeignKey("beats.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Beat(Base):
    """A neighbourhood policing beat: its slug (web addresses), name, staff and meetings."""
    __tablename__ = "beats"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    meetings: Mapped[list[Meeting]] = relationship(back_populates="beat", order_by="Meeting.starts_at")
    staff: Mapped[list[User]] = relationship(secondary=beat_staff, back_populates="beats")

    def __repr__(self) -> str:
        return f"<Beat {self.slug}>"
