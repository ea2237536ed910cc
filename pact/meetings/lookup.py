"""Reading what a client sent: a row by its id, a member of an enum by its value; a clear refusal
when it is not a whole number, is gone, or is not one of the choices."""
from __future__ import annotations

from enum import Enum
from typing import TypeVar

from pact.extensions import db
from pact.meetings.errors import DomainError, not_found, worded
from pact.wording import N_

Row = TypeVar("Row")
Choice = TypeVar("Choice", bound=Enum)


def find(model: type[Row], raw_id: object, *, field: str, what: str) -> Row:
    """The `model` row with id `raw_id`, or `invalid_payload` / `not_found` naming `field` and `what`."""
    if not isinstance(raw_id, int) or isinstance(raw_id, bool):
        raise worded("invalid_payload", N_("%(name)s must be a whole number."), {"name": field})
    row = db.session.get(model, raw_id)
    if row is None:
        raise not_found(what)
    return row


def member(kind: type[Choice], raw: object, *, code: str, message: str, **extra: object) -> Choice:
    """The member of `kind` whose value is `raw`; else raises `code` with `message` (and `extra`)."""
    try:
        return kind(raw)
    except ValueError:
        raise DomainError(code, message, **extra) from None


def parse_status(kind: type[Choice], raw: object) -> Choice:
    """A status (of a priority's progress, of a referral) by its value; raises `invalid_status` naming the choices."""
    return member(kind, raw, code="invalid_status", message=f"Choose a status: {', '.join(s.value for s in kind)}.")
