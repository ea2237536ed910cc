"""E-mail: beat subscriptions, one-off "tell me when answered" requests, the outbox of mail events
and their deliveries (one per recipient and event: the idempotency key), and staff account links."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pact.models.base import Base, str_enum, utcnow
from pact.models.beat import Beat
from pact.models.user import User


class SubscriptionState(str, enum.Enum):
    """A subscription's state: pending (until its confirmation link), active, or ended."""
    PENDING = "pending"  # waiting for the link in the confirmation e-mail (double opt-in)
    ACTIVE = "active"


class MailKind(str, enum.Enum):
    """What an e-mail is about (confirmation, reminder, summary, progress…)."""
    CONFIRM = "confirm"
    ALREADY = "already"  # someone asked again for an address already subscribed
    REMINDER = "reminder"
    LIVE = "live"
    SUMMARY = "summary"
    PROGRESS = "progress"
    RESCHEDULED = "rescheduled"
    CANCELLED = "cancelled"
    ANSWERED = "answered"
    STAFF_INVITE = "staff_invite"
    STAFF_RESET = "staff_reset"


class DeliveryState(str, enum.Enum):
    """Where one delivery stands: pending, sending (claimed), sent, or failed."""
    PENDING = "pending"
    SENDING = "sending"  # claimed by a worker; one that died here is never resent (at most once)
    SENT = "sent"
    FAILED = "failed"  # refused for good, or out of attempts
    SKIPPED = "skipped"  # the recipient left (unsubscribed, erased) before it was sent
    UNKNOWN = "unknown"  # a worker died while sending: not sent again, so never twice


class TokenPurpose(str, enum.Enum):
    """What an account link is for: an invitation to choose a password, or a reset."""
    INVITE = "invite"
    RESET = "reset"


class Subscription(Base):
    """One address subscribed to one beat. The address is used for this beat's mail and nothing else."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("beat_id", "address_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    beat_id: Mapped[int] = mapped_column(ForeignKey("beats.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    address_hash: Mapped[str] = mapped_column(String(64), index=True)  # keyed hash: lookups and idempotency
    state: Mapped[SubscriptionState] = mapped_column(str_enum(SubscriptionState), default=SubscriptionState.PENDING)
    reminders: Mapped[bool] = mapped_column(default=True)
    summaries: Mapped[bool] = mapped_column(default=True)
    progress: Mapped[bool] = mapped_column(default=True)
    # Links are HMACs of (purpose, id, nonce): a new nonce ends every older link of that purpose.
    confirm_nonce: Mapped[str | None] = mapped_column(String(32))
    confirm_expires_at: Mapped[datetime | None]
    manage_nonce: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")  # its e-mails' language

    beat: Mapped[Beat] = relationship()


class AnswerWatch(Base):
    """A resident who posted an issue asked to be told, once, when it is answered."""

    __tablename__ = "answer_watches"
    __table_args__ = (UniqueConstraint("issue_id", "address_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    address_hash: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")  # the e-mail's language


class MailEvent(Base):
    """Something to tell people ("the summary of meeting 7 to the beat's subscribers"), written in the
    same transaction as the change it announces; the delivery adapter fans it out after commit."""

    __tablename__ = "mail_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)  # one event, once (e.g. reminder:7:24:…)
    kind: Mapped[MailKind] = mapped_column(str_enum(MailKind))
    beat_id: Mapped[int | None] = mapped_column(ForeignKey("beats.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    ref_id: Mapped[int | None]  # the subscription, progress update, issue or account link it is about
    note: Mapped[str | None] = mapped_column(Text)  # e.g. a cancellation's reason, the time before
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    fanned_out_at: Mapped[datetime | None] = mapped_column(index=True)


class MailDelivery(Base):
    """One message of one event to one recipient: unique per (event, address) so nobody gets it twice."""

    __tablename__ = "mail_deliveries"
    __table_args__ = (UniqueConstraint("event_id", "address_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("mail_events.id", ondelete="CASCADE"), index=True)
    address_hash: Mapped[str] = mapped_column(String(64), index=True)
    recipient_id: Mapped[int]  # subscription, answer watch or user id, by the event's kind
    state: Mapped[DeliveryState] = mapped_column(str_enum(DeliveryState), default=DeliveryState.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(300))  # never holds the address


class AccountToken(Base):
    """A one-time link for a staff account: an invitation to set a first password, or a reset."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(str_enum(TokenPurpose))
    nonce: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
