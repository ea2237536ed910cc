"""The mail worker's transactions: fan an event out into deliveries, send a batch, sweep.

The idempotency key is the delivery row, unique per (event, address hash). A worker claims one
delivery (pending → sending) in its own commit before the SMTP conversation and marks it sent in
another right after, so a second worker, a retried job or a restart never sends it again. A worker
that dies between the two leaves that one message `sending`; the sweep marks it `unknown` after
10 minutes and never resends it: at most one copy, and everything still pending is sent once the
worker is back.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from pact.delivery.compose import compose, event_context
from pact.delivery.transport import PermanentFailure, TemporaryFailure, open_transport
from pact.extensions import db
from pact.models import (
    AnswerWatch,
    DeliveryState,
    Issue,
    MailDelivery,
    MailEvent,
    MailKind,
    Meeting,
    Stage,
    Subscription,
    utcnow,
)
from pact.notifications import subscriptions
from pact.notifications.events import due_reminders, reminder_hours
from pact.notifications.recipients import SUBSCRIBER_KINDS, find_recipient, recipient_ids
from pact.notifications.tokens import mask

log = logging.getLogger(__name__)

FAN_OUT_CHUNK = 500
STALE_CLAIM = timedelta(minutes=10)


def _insert_ignoring_duplicates(rows: list[dict]) -> None:
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(insert(MailDelivery).on_conflict_do_nothing(), rows)


def fan_out(event_id: int, *, now: datetime) -> list[list[int]]:
    """One delivery per recipient (again is harmless), then the pending ones in send batches."""
    event = db.session.get(MailEvent, event_id)
    if event is None:
        return []
    after = 0
    while True:
        chunk = recipient_ids(event, after=after, limit=FAN_OUT_CHUNK)
        if not chunk:
            break
        _insert_ignoring_duplicates([{"event_id": event.id, "recipient_id": rid, "address_hash": digest,
                                      "state": DeliveryState.PENDING.value, "attempts": 0,
                                      "next_attempt_at": now} for rid, digest in chunk])
        db.session.commit()
        after = chunk[-1][0]
    if event.fanned_out_at is None:
        event.fanned_out_at = now
    db.session.commit()
    return pending_batches(event.id, now=now)


def pending_batches(event_id: int | None, *, now: datetime, overdue: timedelta = timedelta(0)) -> list[list[int]]:
    """Ids of deliveries due to send (of one event, or all), in batches of MAIL_BATCH; `overdue`: only those late
    by that much (the sweep)."""
    query = select(MailDelivery.id).where(MailDelivery.state == DeliveryState.PENDING,
                                          MailDelivery.next_attempt_at <= now - overdue).order_by(MailDelivery.id)
    if event_id is not None:
        query = query.where(MailDelivery.event_id == event_id)
    ids = list(db.session.scalars(query))
    db.session.commit()
    size = int(current_app.config["MAIL_BATCH"])
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def _claim(delivery_id: int, now: datetime) -> bool:
    """Take one delivery for sending. The same commit records the previous message's outcome (the
    session's pending change), so one commit per message, and at most one message per worker is
    ever in flight unrecorded."""
    claimed = db.session.scalars(
        update(MailDelivery).where(MailDelivery.id == delivery_id, MailDelivery.state == DeliveryState.PENDING)
        .values(state=DeliveryState.SENDING, claimed_at=now).returning(MailDelivery.id)
    ).all()
    db.session.commit()
    return bool(claimed)


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=float(current_app.config["MAIL_RETRY_DELAY"]) * (2 ** max(0, attempts - 1)))


def _preload(ids: list[int]) -> dict[int, MailDelivery]:
    """The batch's deliveries, events and subscriptions in three queries (then read from the session)."""
    deliveries = {d.id: d for d in db.session.scalars(select(MailDelivery).where(MailDelivery.id.in_(ids)))}
    event_ids = {d.event_id for d in deliveries.values()}
    events = list(db.session.scalars(select(MailEvent).where(MailEvent.id.in_(event_ids))))
    if any(e.kind in SUBSCRIBER_KINDS for e in events):
        list(db.session.scalars(select(Subscription).where(
            Subscription.id.in_({d.recipient_id for d in deliveries.values()}))))
    return deliveries


def send_batch(ids: list[int]) -> datetime | None:
    """Send the deliveries of this batch still pending, one claim at a time (so a worker killed
    midway leaves at most the one in flight unsettled); returns when to try the rest again, or None."""
    session = db.session()
    session.expire_on_commit = False  # what this batch read stays read: no query per message again
    transport = open_transport(current_app.config, current_app.instance_path)
    shared: dict[int, dict] = {}
    try:
        deliveries = _preload(ids)
        for position, delivery_id in enumerate(sorted(ids)):
            if not _claim(delivery_id, utcnow()):
                continue  # sent, skipped or taken by another worker already
            delivery = deliveries.get(delivery_id) or db.session.get(MailDelivery, delivery_id)
            event = db.session.get(MailEvent, delivery.event_id)
            recipient = find_recipient(event, delivery.recipient_id)
            if recipient is None:
                delivery.state = DeliveryState.SKIPPED
                continue
            if event.id not in shared:
                shared[event.id] = event_context(event, now=utcnow())
            try:
                transport.send(compose(event, recipient, now=utcnow(), shared=shared[event.id]))
            except TemporaryFailure as exc:
                log.warning("mail %s to %s deferred: %s", event.kind.value, mask(recipient.email), exc)
                return _defer(delivery, sorted(ids)[position + 1:], str(exc))
            except PermanentFailure as exc:
                delivery.state, delivery.last_error = DeliveryState.FAILED, str(exc)[:300]
                log.warning("mail %s to %s refused: %s", event.kind.value, mask(recipient.email), exc)
            else:
                delivery.state, delivery.sent_at = DeliveryState.SENT, utcnow()
                if event.kind is MailKind.ANSWERED:  # one message, then the address is erased
                    db.session.execute(delete(AnswerWatch).where(AnswerWatch.id == recipient.id))
        db.session.commit()
    finally:
        session.expire_on_commit = True
        transport.close()
    return None


def _defer(delivery: MailDelivery, rest: list[int], error: str) -> datetime | None:
    """A temporary failure: this one counts an attempt; the rest of the batch waits as long."""
    cfg = current_app.config
    delivery.attempts += 1
    delivery.last_error = error[:300]
    retry_at = utcnow() + _retry_delay(delivery.attempts)
    if delivery.attempts >= int(cfg["MAIL_MAX_ATTEMPTS"]):
        delivery.state = DeliveryState.FAILED
    else:
        delivery.state, delivery.next_attempt_at = DeliveryState.PENDING, retry_at
    if rest:
        db.session.execute(update(MailDelivery).where(MailDelivery.id.in_(rest),
                                                      MailDelivery.state == DeliveryState.PENDING)
                           .values(next_attempt_at=retry_at))
    db.session.commit()
    return retry_at if delivery.state is DeliveryState.PENDING or rest else None


def sweep(*, now: datetime) -> tuple[list[int], list[list[int]]]:
    """Plan due reminders, erase what is no longer needed, settle dead claims; returns the events
    still to fan out and the overdue batches (lost from the queue by a crash) to send."""
    cfg = current_app.config
    due_reminders(now, reminder_hours(cfg["REMINDER_HOURS"]))
    db.session.commit()
    subscriptions.erase_stale(now=now)
    keep = timedelta(days=int(cfg["MAIL_KEEP_DAYS"]))
    db.session.execute(delete(MailEvent).where(MailEvent.created_at < now - keep,
                                               MailEvent.fanned_out_at.is_not(None)))
    closed_long_ago = select(Issue.id).join(Meeting, Meeting.id == Issue.meeting_id).where(
        Meeting.stage == Stage.CLOSED, Meeting.closed_at < now - keep)
    db.session.execute(delete(AnswerWatch).where(AnswerWatch.issue_id.in_(closed_long_ago)))
    db.session.execute(update(MailDelivery).where(MailDelivery.state == DeliveryState.SENDING,
                                                  MailDelivery.claimed_at < now - STALE_CLAIM)
                       .values(state=DeliveryState.UNKNOWN))
    db.session.commit()
    events = list(db.session.scalars(select(MailEvent.id).where(MailEvent.fanned_out_at.is_(None))
                                     .order_by(MailEvent.id)))
    db.session.commit()
    overdue = timedelta(seconds=2 * float(cfg["MAIL_SWEEP_INTERVAL"]))
    return events, pending_batches(None, now=now, overdue=overdue)


def unsent_events() -> list[int]:
    """Mail events not yet fanned out to their recipients, oldest first."""
    ids = list(db.session.scalars(select(MailEvent.id).where(MailEvent.fanned_out_at.is_(None))
                                  .order_by(MailEvent.id)))
    db.session.commit()
    return ids
