"""Strict payload shapes for client commands: right types, nothing missing, nothing extra."""
from __future__ import annotations

from typing import Any

from pact.i18n import N_
from pact.meetings.errors import DomainError, worded

MAX_LIST = 50


class Field:
    """One named field of a command's payload: its kind (`int`, `str`, `str?`, `int_list`, `list`) and whether it
    must be there."""
    def __init__(self, kind: str, *, required: bool = True) -> None:
        self.kind, self.required = kind, required  # kind: int | str | str? | int_list | list


def _check(name: str, field: Field, value: Any) -> None:
    if field.kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool) and -(2**53) < value < 2**53
    elif field.kind == "str":
        ok = isinstance(value, str)
    elif field.kind == "str?":
        ok = value is None or isinstance(value, str)
    elif field.kind == "int_list":
        ok = isinstance(value, list) and len(value) <= MAX_LIST and all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        )
    elif field.kind == "list":
        ok = isinstance(value, list) and len(value) <= MAX_LIST
    else:  # pragma: no cover - a programming error, not bad input
        raise AssertionError(field.kind)
    if not ok:
        wanted = {"int": N_("a whole number"), "str": N_("text"), "str?": N_("text"),
                  "int_list": N_("a list of whole numbers"), "list": N_("a list")}[field.kind]
        raise worded("invalid_payload", N_("'%(name)s' must be %(wanted)s."), {"name": name, "wanted": wanted}, field=name)


def parse(payload: Any, fields: dict[str, Field]) -> dict[str, Any]:
    """Return the payload's fields, or raise `invalid_payload` naming what is wrong."""
    if payload is None and not any(f.required for f in fields.values()):
        payload = {}
    if not isinstance(payload, dict):
        raise DomainError("invalid_payload", N_("The command's data must be an object of named fields."))
    extra = sorted(set(payload) - set(fields))
    if extra:
        raise worded("invalid_payload", N_("Unexpected field(s): %(names)s."), {"names": ", ".join(map(str, extra))[:200]})
    data: dict[str, Any] = {}
    for name, field in fields.items():
        if name not in payload:
            if field.required:
                raise worded("invalid_payload", N_("'%(name)s' is missing."), {"name": name}, field=name)
            continue
        _check(name, field, payload[name])
        data[name] = payload[name]
    return data
