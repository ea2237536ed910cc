"""Sign-in throttling (issue #11 M1/M2): slow a guesser down without locking the owner out.

Every attempt is counted before the password is checked, in the same atomic step as the check
(pact/live/limits.py: Redis when configured, so all processes share the counts):
- per account *and* address, a progressive delay (5 a minute, then 10 in 15 minutes, then 20 an
  hour), forgotten when that pair signs in successfully;
- per address, whatever the account (one machine trying many accounts);
- per account from everywhere, a hard lock reached only by guessing from many addresses at once;
  its message tells the owner how to get in (an administrator's reset link, or waiting).
Failed and refused sign-ins are written to the audit log with the address they came from.
"""
from __future__ import annotations

import math

from pact.live import limits
from pact.meetings import audit
from pact.meetings.errors import DomainError
from pact.models import utcnow

LOCKED_MESSAGE = (
    "This account is locked for about {minutes} minutes because of many failed sign-ins from different places. "
    "If it is your account, you can still get in: ask an administrator to send you a password reset link, "
    "or try again later from this device."
)


def _pair(email: str, address: str) -> str:
    return f"{email}|{address}"


def admit_attempt(email: str, address: str) -> None:
    """Count this attempt; raise `rate_limited` (with `retry_after`) if it must wait, before any
    password is checked. The account-wide lock says how the owner gets in."""
    limits.check("login", pair=_pair(email, address), address=address)
    try:
        limits.check("login", account=email)
    except DomainError as error:
        minutes = max(1, math.ceil(error.extra["retry_after"] / 60))
        raise DomainError("rate_limited", LOCKED_MESSAGE.format(minutes=minutes),
                          retry_after=error.extra["retry_after"]) from None


def record_failure(email: str, address: str, reason: str) -> None:
    """Write a failed or refused sign-in to the audit log (the view keeps it on its refusal).
    The actor is anonymous: whoever tried is not known to be the account's owner."""
    audit.record("sign_in_failed", now=utcnow(), target=f"account:{email}"[:120],
                 reason=f"{reason} from {address}")


def record_success(email: str, address: str) -> None:
    """The owner got in from here: forget this pair's slow-down."""
    limits.reset("login", pair=_pair(email, address))
