"""Who receives each kind of mail event, read in id order so a fan-out can go in batches."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from pact.extensions import db
from pact.models import AccountToken, AnswerWatch, MailEvent, MailKind, Subscription, SubscriptionState, User

# Which subscriber topic each kind of beat mail belongs to (None: every active subscriber).
TOPIC_OF: dict[MailKind, str | None] = {
    MailKind.REMINDER: "reminders",
    MailKind.LIVE: "reminders",
    MailKind.SUMMARY: "summaries",
    MailKind.PROGRESS: "progress",
    MailKind.RESCHEDULED: None,
    MailKind.CANCELLED: None,
}
SUBSCRIBER_KINDS = frozenset(TOPIC_OF) | {MailKind.CONFIRM, MailKind.ALREADY}


@dataclass(frozen=True)
class Recipient:
    """Who one delivery goes to: the address, and the subscription or account token its links are built from."""
    id: int  # subscription, answer watch or user id, by the event's kind
    email: str
    subscription: Subscription | None = None
    token: AccountToken | None = None
    watch: AnswerWatch | None = None


def recipient_ids(event: MailEvent, *, after: int, limit: int) -> list[tuple[int, str]]:
    """(recipient id, address hash) of the next `limit` recipients after id `after`."""
    kind = event.kind
    if kind in (MailKind.CONFIRM, MailKind.ALREADY):
        query = select(Subscription.id, Subscription.address_hash).where(Subscription.id == event.ref_id)
        column = Subscription.id
    elif kind in TOPIC_OF:
        query = select(Subscription.id, Subscription.address_hash).where(
            Subscription.beat_id == event.beat_id, Subscription.state == SubscriptionState.ACTIVE)
        topic = TOPIC_OF[kind]
        if topic is not None:
            query = query.where(getattr(Subscription, topic).is_(True))
        column = Subscription.id
    elif kind is MailKind.ANSWERED:
        query = select(AnswerWatch.id, AnswerWatch.address_hash).where(AnswerWatch.issue_id == event.ref_id)
        column = AnswerWatch.id
    else:  # staff mail: the account the link is for
        query = select(User.id, User.email).join(AccountToken, AccountToken.user_id == User.id).where(
            AccountToken.id == event.ref_id)
        column = User.id
    rows = db.session.execute(query.where(column > after).order_by(column).limit(limit)).all()
    if kind in (MailKind.STAFF_INVITE, MailKind.STAFF_RESET):
        from pact.notifications.tokens import address_hash

        return [(row_id, address_hash(email)) for row_id, email in rows]
    return [(row_id, digest) for row_id, digest in rows]


def find_recipient(event: MailEvent, recipient_id: int) -> Recipient | None:
    """The recipient as they are now; None when they have left (unsubscribed, erased, deactivated)."""
    kind = event.kind
    if kind in SUBSCRIBER_KINDS:
        sub = db.session.get(Subscription, recipient_id)
        if sub is None:
            return None
        if kind not in (MailKind.CONFIRM, MailKind.ALREADY) and sub.state is not SubscriptionState.ACTIVE:
            return None  # nothing but the confirmation before the link is followed
        return Recipient(sub.id, sub.email, subscription=sub)
    if kind is MailKind.ANSWERED:
        watch = db.session.get(AnswerWatch, recipient_id)
        return Recipient(watch.id, watch.email, watch=watch) if watch is not None else None
    token = db.session.get(AccountToken, event.ref_id)
    if token is None or token.used_at is not None or token.user_id != recipient_id:
        return None
    return Recipient(token.user_id, token.user.email, token=token)
