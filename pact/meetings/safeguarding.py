"""Spotting posts that must not go public before an officer has looked at them.

A post is held (never refused) when it seems to contain personal data — a UK phone number, an
e-mail address, a vehicle registration, a house number with a street — when it reads like an
emergency or a crime happening now, or when it uses a word on the force's list. The author is told
in plain words why, and where to go instead (999, 101, online reporting).

Forces change the wording and the word list in configuration; the adapter passes them in as a
`Policy`, so nothing here reads the app's config.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Mapping


@dataclass(frozen=True)
class Hold:
    code: str
    message: str


WHERE_TO_GO = ("If someone is in danger or a crime is happening now, call 999. To report a crime that is not an "
               "emergency, call 101 or use your force's online reporting.")

MESSAGES: dict[str, str] = {
    "emergency": (
        "Your post has not been published: it reads like an emergency or a crime happening now. If someone is in "
        "danger or a crime is happening now, call 999 now — this meeting is not watched for emergencies. To report "
        "a crime that is not an emergency, call 101 or use your force's online reporting. An officer will read your "
        "post before anyone else can see it."
    ),
    "phone_number": "Your post is waiting for an officer because it seems to contain a phone number. ",
    "email_address": "Your post is waiting for an officer because it seems to contain an e-mail address. ",
    "vehicle_registration": "Your post is waiting for an officer because it seems to contain a vehicle registration. ",
    "street_address": "Your post is waiting for an officer because it seems to contain a house number and street. ",
    "word_list": "Your post is waiting for an officer because it uses words we check before they appear publicly. ",
    "premoderated": "Thanks — an officer will check your post before it appears to everyone. ",
}
_PERSONAL = ("We don't show personal details publicly, to protect you and others; an officer will read it before "
             "anyone else can see it. ")
for _code in ("phone_number", "email_address", "vehicle_registration", "street_address"):
    MESSAGES[_code] += _PERSONAL
for _code in ("phone_number", "email_address", "vehicle_registration", "street_address", "word_list", "premoderated"):
    MESSAGES[_code] += WHERE_TO_GO

# Ready-made officer replies (SAFEGUARDING_REPLIES in config replaces the list).
REPLIES: tuple[dict[str, str], ...] = (
    {"key": "report_101", "label": "Report it to 101",
     "text": "Thank you. This needs reporting directly so it can be recorded and looked into properly: please call "
             "101 or use the force's online reporting. In an emergency always call 999."},
    {"key": "emergency_999", "label": "Call 999 if in danger",
     "text": "If anyone is in danger or a crime is happening now, please call 999 straight away. This meeting is "
             "not watched for emergencies."},
    {"key": "personal_details", "label": "Personal details removed",
     "text": "We can't publish posts that identify people, addresses, phone numbers or vehicles. Please raise the "
             "issue again without those details, and give the details to 101 or the force's online reporting."},
    {"key": "anonymous", "label": "Report anonymously",
     "text": "If you would rather stay anonymous, you can report to Crimestoppers by phone or online; they never "
             "ask your name."},
)


@dataclass(frozen=True)
class Policy:
    """What a force configured: extra words that hold a post, and its own wording per hold code."""

    words: tuple[str, ...] = ()
    messages: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, words: Iterable[str] | None = None, messages: Mapping[str, str] | None = None) -> Policy:
        return cls(tuple(w for w in (words or ()) if isinstance(w, str) and w.strip()), dict(messages or {}))

    def hold(self, code: str) -> Hold:
        return Hold(code, self.messages.get(code) or MESSAGES[code])


DEFAULT = Policy()
PREMODERATED = DEFAULT.hold("premoderated")

# --- personal data ----------------------------------------------------------------------------
_SEP = r"[\s\-.()]*"
PHONE = re.compile(rf"(?<![\w+])(?:\+{_SEP}44{_SEP}(?:\(0\){_SEP})?|0)\d(?:{_SEP}\d){{8,9}}(?!\d)")
EMAIL = re.compile(
    r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"
    r"|[\w.+\-]+\s*[\[(]\s*at\s*[\])]\s*[\w\-]+(?:\s*(?:\.|[\[(]\s*dot\s*[\])])\s*[\w\-]+)+"
    r"|\b[\w.+\-]+\s+at\s+(?:gmail|googlemail|hotmail|yahoo|outlook|icloud|btinternet|live|aol|sky)\b",
    re.IGNORECASE,
)
# Current format (AB12 CDE) in any case; older prefix (A123 BCD) and suffix (ABC 123D) formats only in
# capitals and not when the letters are a common word, so "A12 AND" in a shouted post stays public.
VEHICLE_CURRENT = re.compile(r"\b[A-Z]{2}\d{2}\s?[A-Z]{3}\b", re.IGNORECASE)
VEHICLE_PREFIX = re.compile(r"\b[A-HJ-PR-Y]\d{1,3}\s?([A-Z]{3})\b")
VEHICLE_SUFFIX = re.compile(r"\b([A-Z]{3})\s?\d{1,3}[A-HJ-PR-Y]\b")
COMMON_CAPS = frozenset("AND THE FOR WAS ARE BUT NOT YOU ALL HAS HAD NOW TOO WAY OFF OUT CAR BUS VAN HIS HER "
                        "OUR WHO WHY HOW MPH PMS AMS YES GET GOT CAN DAY".split())
_STOP = r"(?:on|in|at|by|near|along|down|up|from|to|and|or|the|of|outside|opposite|behind|off|past|into|onto)"
STREET = re.compile(
    rf"\b\d{{1,4}}[a-z]?,?\s+(?:(?!{_STOP}\b)[A-Za-z'’\-]+\s+){{1,3}}"
    r"(?:road|rd|street|st|avenue|ave|lane|ln|close|drive|dr|way|crescent|court|ct|place|pl|terrace|gardens|"
    r"grove|mews|row|walk|square|parade|rise|green|hill|view|vale|wharf|yard)\b\.?",
    re.IGNORECASE,
)

# --- emergency or crime in progress -------------------------------------------------------------
STRONG = re.compile(
    r"\b(?:not breathing|being (?:attacked|stabbed|assaulted|beaten|followed|raped|kidnapped|robbed|mugged|threatened)"
    r"|(?:been|was|got|getting|just) stabbed|(?:has|have|had|got|with) an? (?:knife|gun|machete|weapon|firearm)"
    r"|(?:breaking|broken|broke) in(?:to)?\b.*\b(?:now|right now)|someone'?s? (?:breaking|trying to get) in"
    r"|(?:need|call|calling) (?:an )?ambulance|(?:going|gonna|want) to (?:kill|hurt) (?:me|him|her|us|myself)"
    r"|threaten\w* to kill|kill myself|suicid\w*|overdos\w*|on fire|house fire|shots? fired)\b",
    re.IGNORECASE,
)
IMMEDIATE = re.compile(
    r"\b(?:right now|happening now|going on now|as we speak|in progress|this minute|at this moment"
    r"|still (?:there|here|outside)|outside (?:my|our|the) \w+ now|now outside)\b",
    re.IGNORECASE,
)
CRIME = re.compile(
    r"\b(?:break(?:ing)? in|broke in|burgl\w*|fight\w*|attack\w*|assault\w*|stab\w*|knife|knives|guns?|shoot\w*|"
    r"shot|steal\w*|stole|robb\w*|mugg\w*|dealing|drugs?|fire|smash\w*|vandal\w*|threat\w*|weapons?|hurt\w*|"
    r"injur\w*|bleed\w*|blood|screaming|kicking)\b",
    re.IGNORECASE,
)

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})


def _fold(text: str) -> str:
    """Casefold, drop accents and undo common digit-for-letter swaps, for word-list matching."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_LEET)


@lru_cache(maxsize=32)
def _word_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """`word` matches the whole word; `word*` matches words beginning with it."""
    parts = []
    for word in words:
        stem = _fold(word.strip())
        prefix = stem.endswith("*")
        stem = re.escape(stem.rstrip("*").strip())
        if stem:
            parts.append(rf"{stem}\w*" if prefix else stem)
    if not parts:
        return None
    return re.compile(rf"(?<!\w)(?:{'|'.join(parts)})(?!\w)")


def _vehicle(text: str) -> bool:
    if VEHICLE_CURRENT.search(text):
        return True
    return any(m.group(1) not in COMMON_CAPS for pattern in (VEHICLE_PREFIX, VEHICLE_SUFFIX)
               for m in pattern.finditer(text))


def reasons(text: str, policy: Policy = DEFAULT) -> list[str]:
    """Every hold code that applies to `text`, most urgent first (officers see the first)."""
    found = []
    if STRONG.search(text) or (IMMEDIATE.search(text) and CRIME.search(text)):
        found.append("emergency")
    if PHONE.search(text):
        found.append("phone_number")
    if EMAIL.search(text):
        found.append("email_address")
    if _vehicle(text):
        found.append("vehicle_registration")
    if STREET.search(text):
        found.append("street_address")
    pattern = _word_pattern(policy.words)
    if pattern is not None and pattern.search(_fold(text)):
        found.append("word_list")
    return found


def assess(text: str, policy: Policy = DEFAULT) -> Hold | None:
    """Return why `text` must be held for an officer, or None when it may go public."""
    found = reasons(text, policy)
    return policy.hold(found[0]) if found else None


def reply_text(replies: Iterable[Mapping[str, str]], key: object) -> str:
    """The configured wording of one ready-made reply, or "" when there is no such reply."""
    for reply in replies:
        if reply.get("key") == key and reply.get("text"):
            return reply["text"]
    return ""
