"""Residents' network addresses, kept only as keyed, rotated hashes (issue #11).

An unsalted SHA-256 of an IPv4 address is reversed by trying all 4 billion of them. Here the hash
is an HMAC under a key derived from the server secret and a *scope*, so without the secret nothing
can be tried, and the same address gives unrelated hashes in different scopes:
- the rate limits count per UTC day (`day_scope`): their windows are minutes long;
- a participant's stored hash is per meeting (`meeting_scope`), so one person's visits to
  different meetings do not link, and an officer's "bar this address for a while" holds across
  midnight. It serves the meeting's limits and moderation only, and is cleared from its
  participants when the meeting closes (`forget_addresses`).
Whoever holds the secret can still test a guessed address against a hash of a known scope: the
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


def day_scope(day: date) -> str:
    """The scope of an address kept for one UTC day (the rate limits key on it)."""
    return f"day:{day.isoformat()}"


def meeting_scope(meeting_id: int) -> str:
    """The scope of an address kept with one meeting's participant rows (bans match on it)."""
    return f"meeting:{meeting_id}"


@functools.lru_cache(maxsize=256)
def _scope_key(secret: str, scope: str) -> bytes:
    return hmac.new(secret.encode("utf-8"), b"pact-address-v1:" + scope.encode("utf-8"), hashlib.sha256).digest()


def hash_address(address: str, *, secret: str, scope: str) -> str:
    """The address as the app keeps it in `scope` (`day_scope(…)` or `meeting_scope(…)`)."""
    return hmac.new(_scope_key(secret, scope), address.encode("utf-8"), hashlib.sha256).hexdigest()[:HASH_LENGTH]


def forget_addresses(meeting_id: int) -> None:
    """The meeting is over: its participants' address hashes have served their purpose."""
    db.session.execute(
        update(Participant).where(Participant.meeting_id == meeting_id, Participant.address_hash.is_not(None))
        .values(address_hash=None)
    )
