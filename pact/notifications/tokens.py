"""Link tokens, address hashing and masking.

A link token is `<id>.<HMAC(secret, purpose:id:nonce)>`: nothing secret is stored, the mail worker
can build the link again from the row, and a new nonce (or none) ends every older link at once.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from flask import current_app

from pact.meetings.errors import DomainError
from pact.wording import N_

EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")


def _key() -> bytes:
    return current_app.config["SECRET_KEY"].encode()


def new_nonce() -> str:
    """A fresh random nonce: storing a new one ends every link signed with the old."""
    return secrets.token_hex(16)


def sign(purpose: str, row_id: int, nonce: str) -> str:
    """The link token `<row_id>.<HMAC>` for `purpose` (confirm, manage, account-…), keyed by the app's secret."""
    digest = hmac.new(_key(), f"{purpose}:{row_id}:{nonce}".encode(), hashlib.sha256).digest()
    return f"{row_id}.{base64.urlsafe_b64encode(digest[:24]).decode().rstrip('=')}"


def token_id(token: object) -> int:
    """The row id a token names (not yet verified: call `verify` with the row's nonce); raises `invalid_link` when
    malformed."""
    if not isinstance(token, str) or token.count(".") != 1 or len(token) > 80:
        raise invalid_link()
    raw_id = token.split(".")[0]
    if not raw_id.isdigit():
        raise invalid_link()
    return int(raw_id)


def verify(token: str, purpose: str, row_id: int, nonce: str | None) -> None:
    """Check a token against the row's current nonce; raises `invalid_link` (no nonce, or another signature)."""
    if nonce is None or not hmac.compare_digest(token, sign(purpose, row_id, nonce)):
        raise invalid_link()


def invalid_link() -> DomainError:
    """The one `invalid_link` refusal every bad, used or ended link gets (it says nothing about why)."""
    return DomainError("invalid_link", N_("This link is not valid or has already been used. "
                                          "Links in our e-mails work once; ask for a new one."))


def normalise_email(raw: object) -> str:
    """An e-mail address trimmed and lower-cased; raises `empty` or `invalid_email`."""
    email = raw.strip().lower() if isinstance(raw, str) else ""
    if not email:
        raise DomainError("empty", N_("Enter your e-mail address."))
    if len(email) > 254 or not EMAIL.match(email):
        raise DomainError("invalid_email", N_("That does not look like an e-mail address (name@example.org)."))
    return email


def address_hash(email: str) -> str:
    """A keyed hash of the address: finds and de-duplicates without comparing addresses in logs."""
    return hmac.new(_key(), f"address:{email.strip().lower()}".encode(), hashlib.sha256).hexdigest()


def mask(email: str | None) -> str:
    """For logs: `j***@e***.org`. Subscribers' addresses never appear whole in a log line."""
    if not email or "@" not in email:
        return "***"
    local, _, domain = email.partition("@")
    host, dot, tld = domain.rpartition(".")
    return f"{local[:1]}***@{(host or tld)[:1]}***{dot}{tld if host else ''}"
