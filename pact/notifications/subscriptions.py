"""Subscribing to a beat's mail: double opt-in, choosing topics, leaving (which erases the address).

Nobody can learn from the answers whether an address is subscribed: `request_subscription` always
ends in one e-mail to that address (a confirmation, or "you are already subscribed" with the
manage link) and the adapter shows the same page either way.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from pact.extensions import db
from pact.meetings.errors import DomainError
from pact.models import (
    Beat,
    DeliveryState,
    MailDelivery,
    MailEvent,
    MailKind,
    Subscription,
    SubscriptionState,
)
from pact.notifications import tokens
from pact.notifications.events import add_event
from pact.wording import N_

TOPICS = ("reminders", "summaries", "progress")
TOPIC_LABELS = {
    "reminders": N_("Reminders before each meeting, and when it goes live, moves or is cancelled"),
    "summaries": N_("The summary when a meeting closes: what was agreed"),
    "progress": N_("Progress on the agreed priorities"),
}
CONFIRM_FOR = timedelta(hours=48)


def parse_topics(chosen: list[str] | tuple[str, ...] | set[str]) -> set[str]:
    """The ticked topics; none ticked means all (CONTRACT.md)."""
    picked = {t for t in chosen if t in TOPICS}
    return picked or set(TOPICS)


def _apply_topics(sub: Subscription, topics: set[str]) -> None:
    for topic in TOPICS:
        setattr(sub, topic, topic in topics)


def request_subscription(beat: Beat, raw_email: object, chosen: list[str], *, now: datetime,
                         language: str = "en") -> MailEvent:
    """Someone asked for this beat's mail at this address: send a confirmation link (valid 48 hours,
    works once), or, if the address is already confirmed, a reminder of how to manage it. The
    e-mails come in `language`, the one the page was read in (a confirmed subscription keeps its own).

    Raises `empty` / `invalid_email` for the address (no topic ticked means all: nothing to refuse)."""
    email = tokens.normalise_email(raw_email)
    digest = tokens.address_hash(email)
    topics = parse_topics(chosen)
    sub = db.session.scalar(select(Subscription).where(Subscription.beat_id == beat.id,
                                                       Subscription.address_hash == digest))
    if sub is None:
        sub = Subscription(beat_id=beat.id, email=email, address_hash=digest, manage_nonce=tokens.new_nonce(),
                           created_at=now)
        db.session.add(sub)
    if sub.state is SubscriptionState.ACTIVE:
        db.session.flush()
        return add_event(f"already:{sub.id}:{tokens.new_nonce()}", MailKind.ALREADY, now=now, beat_id=beat.id,
                         ref_id=sub.id)
    _apply_topics(sub, topics)
    sub.language = language
    sub.state = SubscriptionState.PENDING
    sub.confirm_nonce = tokens.new_nonce()
    sub.confirm_expires_at = now + CONFIRM_FOR
    db.session.flush()
    return add_event(f"confirm:{sub.id}:{sub.confirm_nonce}", MailKind.CONFIRM, now=now, beat_id=beat.id,
                     ref_id=sub.id)


def confirm_link(sub: Subscription) -> str:
    """The token of the subscription's confirmation link (ends when the subscription is confirmed)."""
    return tokens.sign("confirm", sub.id, sub.confirm_nonce or "")


def manage_link(sub: Subscription) -> str:
    """The token of the manage/unsubscribe link every e-mail carries."""
    return tokens.sign("manage", sub.id, sub.manage_nonce)


def pending_confirmation(token: object, *, now: datetime) -> Subscription:
    """The subscription a confirmation link names, while the link is still good.

    Raises `invalid_link` (malformed, unknown, wrong signature, already confirmed) or `link_expired` (after 48
    hours)."""
    sub = db.session.get(Subscription, tokens.token_id(token))
    if sub is None:
        raise tokens.invalid_link()
    tokens.verify(str(token), "confirm", sub.id, sub.confirm_nonce)
    if sub.confirm_expires_at is None or sub.confirm_expires_at <= now:
        raise DomainError("link_expired", N_("This confirmation link has expired (links last 48 hours). "
                                             "Subscribe again to get a new one."))
    return sub


def confirm_subscription(token: object, *, now: datetime) -> Subscription:
    """Follow the link in the confirmation e-mail: the subscription starts; the link is spent.

    Raises `invalid_link` or `link_expired` (as `pending_confirmation`)."""
    sub = pending_confirmation(token, now=now)
    sub.state = SubscriptionState.ACTIVE
    sub.confirm_nonce = None
    sub.confirm_expires_at = None
    sub.confirmed_at = now
    db.session.flush()
    return sub


def find_managed(token: object) -> Subscription:
    """The subscription a manage or unsubscribe link names (the link in every e-mail); raises `invalid_link` (bad,
    or ended)."""
    sub = db.session.get(Subscription, tokens.token_id(token))
    if sub is None:
        raise DomainError("invalid_link", N_("This subscription has ended: there is nothing left to manage."))
    tokens.verify(str(token), "manage", sub.id, sub.manage_nonce)
    return sub


def change_topics(sub: Subscription, chosen: list[str]) -> None:
    """Keep exactly the chosen kinds of e-mail (reminders, summaries, progress); raises `no_topics` when none is
    ticked."""
    picked = {t for t in chosen if t in TOPICS}
    if not picked:
        raise DomainError("no_topics", N_("Tick at least one kind of e-mail, or unsubscribe to stop them all."))
    _apply_topics(sub, picked)
    db.session.flush()


def unsubscribe(sub: Subscription, *, now: datetime) -> None:
    """End the subscription and erase the address at once; anything still queued for it is skipped."""
    db.session.execute(
        update(MailDelivery)
        .where(MailDelivery.address_hash == sub.address_hash, MailDelivery.state == DeliveryState.PENDING,
               MailDelivery.event_id.in_(select(MailEvent.id).where(MailEvent.beat_id == sub.beat_id)))
        .values(state=DeliveryState.SKIPPED)
    )
    db.session.execute(delete(Subscription).where(Subscription.id == sub.id))
    db.session.flush()


def erase_stale(*, now: datetime) -> int:
    """Erase addresses that never confirmed: the link lasts 48 hours, the address no longer."""
    result = db.session.execute(delete(Subscription).where(
        Subscription.state == SubscriptionState.PENDING, Subscription.confirm_expires_at <= now))
    return result.rowcount or 0
