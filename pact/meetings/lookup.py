"""Finding a row by the id a client sent: a clear refusal when it is not a whole number or is gone."""
from __future__ import annotations

from typing import TypeVar

from pact.extensions import db
from pact.i18n import N_
from pact.meetings.errors import not_found, worded

Row = TypeVar("Row")


def find(model: type[Row], raw_id: object, *, field: str, what: str) -> Row:
    """The `model` row with id `raw_id`, or `invalid_payload` / `not_found` naming `field` and `what`."""
    if not isinstance(raw_id, int) or isinstance(raw_id, bool):
        raise worded("invalid_payload", N_("%(name)s must be a whole number."), {"name": field})
    row = db.session.get(model, raw_id)
    if row is None:
        raise not_found(what)
    return row
