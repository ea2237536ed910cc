"""Staff accounts (officers, inspectors, admins) and their server-side sign-in sessions."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from pact.models.base import Base, str_enum, utcnow
from pact.models.beat import beat_staff
from pact.models.enums import Role

if TYPE_CHECKING:
    from pact.models.beat import Beat


class User(UserMixin, Base):
    """A staff account: e-mail, password hash, role, the beats it works on, active or not."""
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    beats: Mapped[list[Beat]] = relationship(secondary=beat_staff, back_populates="staff", order_by="Beat.name")

    def set_password(self, password: str) -> None:
        """Keep only the password's hash (werkzeug's default method)."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """Whether `password` matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login
        """Flask-Login's flag: a deactivated account cannot sign in."""
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"


class StaffSession(Base):
    """One sign-in. Signing out revokes it, so a copied cookie stops working."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    last_seen_at: Mapped[datetime | None]  # null: not used since created_at (idle timeout, pact/auth/sessions.py)

    user: Mapped[User] = relationship()
