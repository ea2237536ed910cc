"""Data protection: what is held about one e-mail address, and erasing it (an admin's request).

Only a keyed hash of the address is compared; the address itself is returned only to the admin
who asked for the export, and never written to the audit log (which records the hash's start).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from pact.extensions import db
from pact.localtime import iso
from pact.meetings import accounts, audit
from pact.models import AnswerWatch, Beat, MailDelivery, MailEvent, Subscription, User
from pact.notifications import tokens


def address_record(admin: User, raw_email: object, *, now: datetime) -> dict[str, Any]:
    """Everything held about this address (subscriptions, answer requests, what was sent).

    Raises `forbidden` (not an admin), `empty` / `invalid_email` for the address."""
    accounts.require_admin(admin)
    email = tokens.normalise_email(raw_email)
    digest = tokens.address_hash(email)
    subs = db.session.execute(select(Subscription, Beat).join(Beat, Beat.id == Subscription.beat_id)
                              .where(Subscription.address_hash == digest)).all()
    watches = db.session.scalars(select(AnswerWatch).where(AnswerWatch.address_hash == digest)).all()
    sent = db.session.execute(select(MailDelivery, MailEvent).join(MailEvent, MailEvent.id == MailDelivery.event_id)
                              .where(MailDelivery.address_hash == digest).order_by(MailDelivery.id)).all()
    audit.record("export_address", now=now, user=admin, target=f"address {digest[:12]}")
    return {
        "email": email,
        "exported_at": iso(now),
        "subscriptions": [{"beat": beat.slug, "state": sub.state.value, "reminders": sub.reminders,
                           "summaries": sub.summaries, "progress": sub.progress, "created_at": iso(sub.created_at),
                           "confirmed_at": iso(sub.confirmed_at), "language": sub.language} for sub, beat in subs],
        "answer_requests": [{"issue_id": w.issue_id, "created_at": iso(w.created_at), "language": w.language}
                            for w in watches],
        "messages": [{"kind": event.kind.value, "meeting_id": event.meeting_id, "state": d.state.value,
                      "sent_at": iso(d.sent_at), "attempts": d.attempts} for d, event in sent],
    }


def erase_address(admin: User, raw_email: object, *, now: datetime) -> int:
    """Erase every subscription, answer request and delivery record of this address; how many rows.

    Raises `forbidden` (not an admin), `empty` / `invalid_email` for the address."""
    accounts.require_admin(admin)
    digest = tokens.address_hash(tokens.normalise_email(raw_email))
    erased = 0
    for model in (Subscription, AnswerWatch, MailDelivery):
        erased += db.session.execute(delete(model).where(model.address_hash == digest)).rowcount or 0
    audit.record("erase_address", now=now, user=admin, target=f"address {digest[:12]}", reason=f"{erased} records")
    db.session.flush()
    return erased
