"""Residents' network addresses, kept only as keyed, daily-rotated hashes (issue #11).

An unsalted SHA-256 of an IPv4 address is reversed by trying all 4 billion of them. Here the hash
is an HMAC under a key derived from the server secret and the UTC day: without the secret nothing
can be tried, and the same address gives unrelated hashes on different days, so stored hashes do
not link one person's visits across days. They serve the per-address limits and moderation of a
live meeting only, and are cleared from its participants when the meeting closes (`forget_addresses`).
Whoever holds the secret can still test a guessed address against a hash of a known day: the
secret is the thing to protect (docs/security.md).
"""
from __future__ import annotations

import functools
import hashlib
import hmac
from datetime import date

from sqlalchemy import update

from pact.extensions import db
from pact.models import Participant

HASH_LENGTH = 32  # hex characters: 128 bits, plenty to tell addresses apart


@functools.lru_cache(maxsize=4)
def _day_key(secret: str, day: date) -> bytes:
    return hmac.new(secret.encode("utf-8"), b"pact-address-v1:" + day.isoformat().encode(), hashlib.sha256).digest()


def hash_address(address: str, *, secret: str, day: date) -> str:
    """The address as the app keeps it on `day` (UTC)."""
    return hmac.new(_day_key(secret, day), address.encode("utf-8"), hashlib.sha256).hexdigest()[:HASH_LENGTH]


def forget_addresses(meeting_id: int) -> None:
    """The meeting is over: its participants' address hashes have served their purpose."""
    db.session.execute(
        update(Participant).where(Participant.meeting_id == meeting_id, Participant.address_hash.is_not(None))
        .values(address_hash=None)
    )
