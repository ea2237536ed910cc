"""Rules for text people type: trimmed, NFC-normalised, bounded, free of control characters.

Text is stored as plain text and escaped on output; nothing here tries to sanitise markup.
"""
from __future__ import annotations

import re
import unicodedata

from pact.meetings.errors import DomainError

# C0 controls except tab and newline, DEL, C1 controls, and lone surrogates.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_SINGLE_LINE_FORBIDDEN = re.compile(r"[\t\n]")


def clean_text(raw: object, *, field: str, max_length: int, multiline: bool = True) -> str:
    """Return the text to store, or raise `empty`, `too_long`, `invalid_characters` or `invalid_payload`."""
    if not isinstance(raw, str):
        raise DomainError("invalid_payload", f"The {field} must be text.")
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if _FORBIDDEN.search(text) or (not multiline and _SINGLE_LINE_FORBIDDEN.search(text)):
        raise DomainError(
            "invalid_characters",
            f"The {field} contains control characters that cannot be shown. Please retype it.",
        )
    if not text:
        raise DomainError("empty", f"The {field} is empty. Please write something first.")
    if len(text) > max_length:
        raise DomainError(
            "too_long",
            f"The {field} is {len(text):,} characters long; the limit is {max_length:,}. Please shorten it.",
            limit=max_length,
        )
    return text
