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
import threading
import time
from datetime import datetime, timedelta
from email.utils import parseaddr

from flask import current_app
from sqlalchemy import delete, select, update

from pact.delivery.compose import Composer
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


_running: set[int] = set()  # deliveries of the batches this process is sending now
_running_lock = threading.Lock()


def pending_batches(event_id: int | None, *, now: datetime, overdue: timedelta = timedelta(0)) -> list[list[int]]:
    """Ids of deliveries due to send (of one event, or all), in batches of MAIL_BATCH; `overdue`: only those late
    by that much (the sweep)."""
    query = select(MailDelivery.id).where(MailDelivery.state == DeliveryState.PENDING,
                                          MailDelivery.next_attempt_at <= now - overdue).order_by(MailDelivery.id)
    if event_id is not None:
        query = query.where(MailDelivery.event_id == event_id)
    with _running_lock:
        running = set(_running)
    ids = [i for i in db.session.scalars(query) if i not in running]
    db.session.commit()
    size = int(current_app.config["MAIL_BATCH"])
    return [ids[i:i + size] for i in range(0, len(ids), size)]


DELIVERIES = MailDelivery.__table__  # Core statements: a claim is one UPDATE, with no ORM bookkeeping


def _claim(delivery_id: int, now: datetime, outcome: tuple[int, dict] | None) -> bool:
    """Take one delivery for sending (with a refusal or skip of the previous one, if any, in the
    same commit): at most one message per worker is ever in flight unrecorded."""
    if outcome is not None:
        _record(outcome)
    claimed = db.session.execute(
        update(DELIVERIES).where(DELIVERIES.c.id == delivery_id, DELIVERIES.c.state == DeliveryState.PENDING)
        .values(state=DeliveryState.SENDING, claimed_at=now).returning(DELIVERIES.c.id)
    ).all()
    db.session.commit()
    return bool(claimed)


def _record(outcome: tuple[int, dict]) -> None:
    delivery_id, values = outcome
    db.session.execute(update(DELIVERIES).where(DELIVERIES.c.id == delivery_id).values(**values))


class RateCap:
    """At most MAIL_RATE_PER_SECOND messages a second from this worker process (all its threads):
    a big send is spread out, so that it takes a bounded share of the machine (and of the mail
    server's patience). 0: no cap."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.next_at = 0.0
        self.lock = threading.Lock()

    def wait(self) -> None:
        """Return when the next message may go (at once when the cap allows it now)."""
        if not self.interval:
            return
        with self.lock:
            now = time.monotonic()
            at = max(self.next_at, now)
            self.next_at = at + self.interval
        if at > now:
            time.sleep(at - now)


_caps: dict[float, RateCap] = {}


def rate_cap() -> RateCap:
    """This process's cap (one for all its worker threads)."""
    rate = float(current_app.config.get("MAIL_RATE_PER_SECOND") or 0)
    return _caps.setdefault(rate, RateCap(rate))


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=float(current_app.config["MAIL_RETRY_DELAY"]) * (2 ** max(0, attempts - 1)))


def _preload(ids: list[int]) -> tuple[dict[int, MailDelivery], list]:
    """The batch's deliveries, events and subscriptions in three queries. The caller keeps the
    second value: the session's identity map holds objects weakly, and what it still holds is read
    from it with no query per message."""
    deliveries = {d.id: d for d in db.session.scalars(select(MailDelivery).where(MailDelivery.id.in_(ids)))}
    event_ids = {d.event_id for d in deliveries.values()}
    held: list = list(db.session.scalars(select(MailEvent).where(MailEvent.id.in_(event_ids))))
    if any(e.kind in SUBSCRIBER_KINDS for e in held):
        held += db.session.scalars(select(Subscription).where(
            Subscription.id.in_({d.recipient_id for d in deliveries.values()}))).all()
    return deliveries, held


def send_batch(ids: list[int]) -> datetime | None:
    """Send the deliveries of this batch still pending over one SMTP connection, one claim at a time
    (so a worker killed midway leaves at most the one in flight unsettled); returns when to try the
    rest again, or None. Each event is rendered once per language and variant (compose.Composer)."""
    session = db.session()
    session.expire_on_commit = False  # what this batch read stays read: no query per message again
    cfg = current_app.config
    transport = open_transport(cfg, current_app.instance_path)
    sender = parseaddr(cfg["MAIL_FROM"])[1]
    composer = Composer(now=utcnow())
    cap = rate_cap()
    outcome: tuple[int, dict] | None = None
    unsent: int | None = None  # claimed, and not yet handed to the mail server
    ordered = sorted(ids)
    with _running_lock:
        _running.update(ordered)
    try:
        deliveries, _held = _preload(ids)
        for position, delivery_id in enumerate(ordered):
            known = deliveries.get(delivery_id)
            if known is not None and known.state is not DeliveryState.PENDING:
                continue  # settled before this job began (a job queued twice): no rate slot, no claim
            cap.wait()
            claimed = _claim(delivery_id, utcnow(), outcome)
            outcome = None
            if not claimed:
                continue  # sent, skipped or taken by another worker already
            unsent = delivery_id
            delivery = deliveries.get(delivery_id) or db.session.get(MailDelivery, delivery_id)
            event = db.session.get(MailEvent, delivery.event_id)
            recipient = find_recipient(event, delivery.recipient_id)
            if recipient is None:
                outcome = (delivery_id, {"state": DeliveryState.SKIPPED})
                continue
            try:
                message = composer.compose(event, recipient)
                transport.send(message, sender=sender, to=recipient.email,
                               key=f"{event.kind.value}-{event.id}-{recipient.id}")
            except TemporaryFailure as exc:
                log.warning("mail %s to %s deferred: %s", event.kind.value, mask(recipient.email), exc)
                unsent = None
                return _defer(delivery, ordered[position + 1:], str(exc))
            except PermanentFailure as exc:
                unsent = None
                outcome = (delivery_id, {"state": DeliveryState.FAILED, "last_error": str(exc)[:300]})
                log.warning("mail %s to %s refused: %s", event.kind.value, mask(recipient.email), exc)
            else:
                unsent = None
                # Recorded now, not with the next claim, which may wait for the rate cap.
                _record((delivery_id, {"state": DeliveryState.SENT, "sent_at": utcnow()}))
                if event.kind is MailKind.ANSWERED:  # one message, then the address is erased
                    db.session.execute(delete(AnswerWatch).where(AnswerWatch.id == recipient.id))
                db.session.commit()
        if outcome is not None:
            _record(outcome)
        db.session.commit()
    except Exception:
        db.session.rollback()
        if unsent is not None:  # failed before the hand-over (a template, the database): it may go later
            _release(unsent)
        raise
    finally:
        with _running_lock:
            _running.difference_update(ordered)
        session.expire_on_commit = True
        transport.close()
    return None


def _release(delivery_id: int) -> None:
    """Put back a claimed delivery that was never handed to the mail server (best effort: if the
    database is what failed, the sweep settles the claim as `unknown` later)."""
    try:
        db.session.execute(update(DELIVERIES).where(DELIVERIES.c.id == delivery_id,
                                                    DELIVERIES.c.state == DeliveryState.SENDING)
                           .values(state=DeliveryState.PENDING, claimed_at=None))
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("could not put back mail delivery %s; the sweep will settle it", delivery_id)


def _defer(delivery: MailDelivery, rest: list[int], error: str) -> datetime | None:
    """A temporary failure: this one counts an attempt; the rest of the batch waits as long."""
    cfg = current_app.config
    attempts = delivery.attempts + 1
    retry_at = utcnow() + _retry_delay(attempts)
    values: dict = {"attempts": attempts, "last_error": error[:300]}
    if attempts >= int(cfg["MAIL_MAX_ATTEMPTS"]):
        values["state"] = DeliveryState.FAILED
    else:
        values.update(state=DeliveryState.PENDING, next_attempt_at=retry_at)
    _record((delivery.id, values))
    if rest:
        db.session.execute(update(DELIVERIES).where(DELIVERIES.c.id.in_(rest),
                                                    DELIVERIES.c.state == DeliveryState.PENDING)
                           .values(next_attempt_at=retry_at))
    db.session.commit()
    return retry_at if values["state"] is DeliveryState.PENDING or rest else None


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
