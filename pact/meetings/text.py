"""Rules for text people type: trimmed, NFC-normalised, bounded, free of control characters.

Text is stored as plain text and escaped on output; nothing here tries to sanitise markup.
"""
from __future__ import annotations

import re
import unicodedata

from pact.meetings.errors import worded
from pact.wording import N_

# Every limit on what people type, in characters: the one place they are written. Services check
# them; pages (maxlength, "0 of 1,000 characters") and page scripts read them from the server.
LIMITS: dict[str, int] = {
    "issue": 1000,  # an issue's text (CONTRACT: too_long beyond)
    "answer": 4000,  # an officer's answer
    "name": 40,  # a resident's display name
    "reason": 500,  # a moderation reason shown to the author
    "title": 200,  # a priority's public wording (close `title`, corrections)
    "action": 2000,  # the action promised for a priority
    "owner": 120,  # who owns that action
    "note": 2000,  # a progress note, a referral note
}

# The names of fields residents type in, for messages shown to them (translated with the message).
RESIDENT_FIELDS = {"issue": N_("issue"), "display name": N_("display name"), "draft": N_("draft")}

# C0 controls except tab and newline, DEL, C1 controls, and lone surrogates.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_SINGLE_LINE_FORBIDDEN = re.compile(r"[\t\n]")
# Removed, not refused: invisible, so nothing a person sees is lost. BiDi embeddings, overrides and
# isolates (U+202A–U+202E, U+2066–U+2069) let a name or post display reversed ("gnp.exe" tricks)
# and spill into the text around it; noncharacters (U+FDD0–U+FDEF and U+xxFFFE/U+xxFFFF in every
# plane) are not allowed in XML, so one of them broke the beat's Atom feed. LRM/RLM marks stay:
# right-to-left writers need them.
_INVISIBLE_HAZARDS = re.compile(
    "[\u202a-\u202e\u2066-\u2069\ufdd0-\ufdef"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
    + "]"
)


def strip_invisible_hazards(text: str) -> str:
    """Remove BiDi embedding/override/isolate controls and Unicode noncharacters."""
    return _INVISIBLE_HAZARDS.sub("", text)


def clean_text(raw: object, *, field: str, max_length: int, multiline: bool = True) -> str:
    """Return the text to store, or raise `empty`, `too_long`, `invalid_characters` or `invalid_payload`."""
    if not isinstance(raw, str):
        raise worded("invalid_payload", N_("The %(field)s must be text."), {"field": field})
    text = unicodedata.normalize("NFC", strip_invisible_hazards(raw.replace("\r\n", "\n").replace("\r", "\n"))).strip()
    if _FORBIDDEN.search(text) or (not multiline and _SINGLE_LINE_FORBIDDEN.search(text)):
        raise worded("invalid_characters",
                     N_("The %(field)s contains control characters that cannot be shown. Please retype it."),
                     {"field": field})
    if not text:
        raise worded("empty", N_("The %(field)s is empty. Please write something first."), {"field": field})
    if len(text) > max_length:
        raise worded("too_long",
                     N_("The %(field)s is %(length)s characters long; the limit is %(limit)s. Please shorten it."),
                     {"field": field, "length": len(text), "limit": max_length}, limit=max_length)
    return text
