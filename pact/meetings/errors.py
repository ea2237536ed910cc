"""Domain errors with stable codes that adapters turn into acks, flashes or error pages."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any


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


def worded(code: str, template: str, params: Mapping[str, Any], **extra: Any) -> DomainError:
    """A DomainError whose message is `template % params`, keeping both for translation where shown."""
    error = DomainError(code, template % params, **extra)
    error.template, error.params = template, dict(params)
    return error


def http_status(error: DomainError) -> int:
    """The HTTP status an adapter answers this refusal with (400 unless HTTP_STATUS names the code)."""
    return HTTP_STATUS.get(error.code, 400)


def not_found(what: str) -> DomainError:
    """A `not_found` DomainError for a missing (or no longer available) `what`."""
    return DomainError("not_found", f"That {what} does not exist (or is no longer available).")


def forbidden(message: str = "You are not allowed to do that in this meeting.") -> DomainError:
    """A `forbidden` DomainError with `message` (the default says it is about this meeting)."""
    return DomainError("forbidden", message)
