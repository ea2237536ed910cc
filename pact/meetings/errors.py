"""Domain errors with stable codes that adapters turn into acks, flashes or error pages."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pact.wording import N_


class DomainError(Exception):
    """A refused command. `code` never changes meaning once released; `message` is for people."""

    http_status = 400
    # Set by `worded`: the message's template (marked with N_) and its values, so an adapter can
    # translate the template and fill it in the reader's language (pact.i18n.translate_error).
    template: str | None = None
    params: Mapping[str, Any] = {}

    def __init__(self, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = extra

    def as_ack(self) -> dict[str, Any]:
        """The refusal as a Socket.IO ack: `{"ok": false, "error", "message", …extra}` (extra: `retry_after`,
        `index`…)."""
        return {"ok": False, "error": self.code, "message": self.message, **self.extra}


HTTP_STATUS = {
    "not_found": 404,
    "forbidden": 403,
    "not_signed_in": 401,
    "rate_limited": 429,
    "unavailable": 503,
    "wrong_stage": 409,
    "duplicate": 409,
}


def worded(code: str, template: str, params: Mapping[str, Any], *, plural: str | None = None,
           **extra: Any) -> DomainError:
    """A DomainError whose message is `template % params`, keeping both for translation where shown.
    With `plural` (also marked with N_), `params["num"]` chooses: `template` for 1, else `plural`;
    each is its own catalogue entry (Welsh writes a noun after a number in the singular anyway)."""
    if plural is not None and params.get("num") != 1:
        template = plural
    # Whole numbers read with thousands separators ("1,001"); translate_error formats them with
    # Babel for the reader's locale instead.
    shown = {k: f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else v for k, v in params.items()}
    error = DomainError(code, template % shown, **extra)
    error.template, error.params = template, dict(params)
    return error


def http_status(error: DomainError) -> int:
    """The HTTP status an adapter answers this refusal with (400 unless HTTP_STATUS names the code)."""
    return HTTP_STATUS.get(error.code, 400)


def not_found(what: str) -> DomainError:
    """A `not_found` DomainError for a missing (or no longer available) `what`.

    `what` is marked with N_ where it is named (translated where shown, pact.i18n.translate_error)."""
    return worded("not_found", N_("That %(what)s does not exist (or is no longer available)."), {"what": what})


def forbidden(message: str = N_("You are not allowed to do that in this meeting.")) -> DomainError:
    """A `forbidden` DomainError with `message` (the default says it is about this meeting)."""
    return DomainError("forbidden", message)
