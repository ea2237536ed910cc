"""Spotting posts that must not go public before an officer has looked at them.

A post is held (never refused) when it reads like an emergency, a risk to someone's life
(`welfare`), accuses a named person, contains personal data (a phone number, an e-mail address, a
vehicle registration, a house number with a street or a postcode), or uses a word or phrase on the
force's list. The author is told in plain words why, and where to go instead (999, 101, Samaritans).

Text is normalised first (normalise.py); the rules are in risk.py, accusation.py and personal.py,
and a small trained classifier (model.py) adds the emergencies, welfare risks and accusations they miss.
Forces change the wording and the word list in configuration; the adapter passes them in as a
`Policy`, so nothing here reads the app's config. `check_post` never raises: a check that fails
or runs too long holds the post (`check_failed`). Measured in bench/safeguarding.py.
"""
from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from pact.meetings.safeguarding import accusation, model, personal, risk
from pact.meetings.safeguarding.normalise import fold, normalise
from pact.wording import N_

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Hold:
    """Why a post is held for an officer (`code`, one of CODES) and what its author is told."""
    code: str
    message: str

    @property
    def urgent(self) -> bool:
        """Whether officers see it first, with an alert (`emergency`, `welfare`)."""
        return self.code in URGENT


URGENT = frozenset({"emergency", "welfare"})  # first in every officer's queue, with an alert
PERSONAL_DATA = ("phone_number", "email_address", "vehicle_registration", "street_address")
CODES = ("welfare", "emergency", "accusation", *PERSONAL_DATA, "word_list", "premoderated", "check_failed")
# What staff read for each hold code (the queue, the workspace, the audit pages): written once, here.
HOLD_LABELS = {
    "emergency": "Emergency: reads like a crime happening now or someone in danger",
    "welfare": "Welfare: someone's life or safety may be at risk",
    "accusation": "Accuses a named person",
    "phone_number": "Phone number",
    "email_address": "E-mail address",
    "vehicle_registration": "Vehicle registration",
    "street_address": "House number and street",
    "word_list": "Word on the force's list",
    "premoderated": "Waiting for approval (pre-moderated meeting)",
    "check_failed": "The automatic check could not finish",
}

# Each hold's whole message, one catalogue entry each (translated where shown: pact/live/handlers.py).
MESSAGES: dict[str, str] = {
    "emergency": N_(
        "Your post has not been published: it reads like an emergency or a crime happening now. If someone is in "
        "danger or a crime is happening now, call 999 now — this meeting is not watched for emergencies. To report "
        "a crime that is not an emergency, call 101 or use your force's online reporting. An officer will read your "
        "post before anyone else can see it."
    ),
    "welfare": N_(
        "Your post has not been published: it reads like someone's life or safety may be at risk. If anyone is in "
        "danger now, call 999. If you are struggling, Samaritans are there day and night, free, on 116 123. "
        "This meeting is not watched for emergencies; to report something that is not an emergency, call 101 or "
        "use your force's online reporting. An officer will read your post before anyone else can see it."
    ),
    "accusation": N_(
        "Your post is waiting for an officer because it seems to accuse a named person. We can't publish "
        "accusations against people in an open meeting; please report what you know to 101 or online, or "
        "anonymously to Crimestoppers. If someone is in danger or a crime is happening now, call 999. To "
        "report a crime that is not an emergency, call 101 or use your force's online reporting."
    ),
    "phone_number": N_(
        "Your post is waiting for an officer because it seems to contain a phone number. We don't show "
        "personal details publicly, to protect you and others; an officer will read it before anyone else can"
        " see it. If someone is in danger or a crime is happening now, call 999. To report a crime that is "
        "not an emergency, call 101 or use your force's online reporting."
    ),
    "email_address": N_(
        "Your post is waiting for an officer because it seems to contain an e-mail address. We don't show "
        "personal details publicly, to protect you and others; an officer will read it before anyone else can"
        " see it. If someone is in danger or a crime is happening now, call 999. To report a crime that is "
        "not an emergency, call 101 or use your force's online reporting."
    ),
    "vehicle_registration": N_(
        "Your post is waiting for an officer because it seems to contain a vehicle registration. We don't "
        "show personal details publicly, to protect you and others; an officer will read it before anyone "
        "else can see it. If someone is in danger or a crime is happening now, call 999. To report a crime "
        "that is not an emergency, call 101 or use your force's online reporting."
    ),
    "street_address": N_(
        "Your post is waiting for an officer because it seems to contain a house number and street. We don't "
        "show personal details publicly, to protect you and others; an officer will read it before anyone "
        "else can see it. If someone is in danger or a crime is happening now, call 999. To report a crime "
        "that is not an emergency, call 101 or use your force's online reporting."
    ),
    "word_list": N_(
        "Your post is waiting for an officer because it uses words we check before they appear publicly. If "
        "someone is in danger or a crime is happening now, call 999. To report a crime that is not an "
        "emergency, call 101 or use your force's online reporting."
    ),
    "premoderated": N_(
        "Thanks — an officer will check your post before it appears to everyone. If someone is in danger or a"
        " crime is happening now, call 999. To report a crime that is not an emergency, call 101 or use your "
        "force's online reporting."
    ),
    "check_failed": N_(
        "Your post is waiting for an officer: our automatic check could not finish, so an officer will read "
        "it before it appears. If someone is in danger or a crime is happening now, call 999. To report a "
        "crime that is not an emergency, call 101 or use your force's online reporting."
    ),
}

# Ready-made officer replies (SAFEGUARDING_REPLIES in config replaces the list): key, label, text.
_REPLY_ROWS = (
    ("report_101", "Report it to 101",
     ("Thank you. This needs reporting directly so it can be recorded and looked into properly: please call 101 or "
     "use the force's online reporting. In an emergency always call 999.")),
    ("emergency_999", "Call 999 if in danger",
     ("If anyone is in danger or a crime is happening now, please call 999 straight away. This meeting is not watched "
     "for emergencies.")),
    ("welfare_samaritans", "Samaritans 116 123",
     ("We're concerned for you or someone you know. If anyone is in danger now, call 999. Samaritans are there day "
     "and night, free, on 116 123.")),
    ("personal_details", "Personal details removed",
     ("We can't publish posts that identify people, addresses, phone numbers or vehicles. Please raise the issue "
     "again without those details, and give the details to 101 or the force's online reporting.")),
    ("anonymous", "Report anonymously",
     ("If you would rather stay anonymous, you can report to Crimestoppers by phone or online; they never ask your "
     "name.")),
)
REPLIES: tuple[dict[str, str], ...] = tuple({"key": key, "label": label, "text": text}
                                            for key, label, text in _REPLY_ROWS)


@dataclass(frozen=True)
class Policy:
    """What a force configured: words and phrases that hold a post, its own wording per hold code,
    and how long the check may take before the post is held anyway."""

    words: tuple[str, ...] = ()
    messages: Mapping[str, str] = field(default_factory=dict)
    budget_ms: float = 1000.0

    @classmethod
    def build(cls, words: Iterable[str] | None = None, messages: Mapping[str, str] | None = None,
              budget_ms: float | None = None) -> Policy:
        """A policy from configuration: the force's extra words, its own wording per code, the check's budget in
        ms."""
        return cls(tuple(w for w in (words or ()) if isinstance(w, str) and w.strip()), dict(messages or {}),
                   1000.0 if budget_ms is None else float(budget_ms))

    def hold(self, code: str) -> Hold:
        """The hold for `code`, with the force's wording if it has its own."""
        return Hold(code, self.messages.get(code) or MESSAGES[code])


DEFAULT = Policy()
PREMODERATED = DEFAULT.hold("premoderated")


@lru_cache(maxsize=32)
def _word_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """`word` matches the whole word (or phrase); `word*` matches words beginning with it."""
    parts = []
    for word in words:
        stem = fold(word.strip())
        prefix = stem.endswith("*")
        stem = "".join(rf"[{ch}*#@!_.]" if ch in "aeiou" else re.escape(ch) for ch in stem.rstrip("*").strip())
        stem = stem.replace(r"\ ", r"\s+")  # "f*cking", "c#nt": a masked vowel still matches
        if stem:
            parts.append(rf"{stem}\w*" if prefix else stem)
    if not parts:
        return None
    return re.compile(rf"(?<!\w)(?:{'|'.join(parts)})(?!\w)")


def reasons(text: str, policy: Policy = DEFAULT) -> list[str]:
    """Every hold code that applies to `text`, most urgent first (officers see the first)."""
    clean = normalise(text)
    spoken = risk.prepare(clean)
    checks = (
        ("welfare", lambda: risk.is_welfare(spoken)),
        ("emergency", lambda: risk.is_emergency(spoken)),
        ("accusation", lambda: accusation.is_accusation(clean)),
        ("phone_number", lambda: personal.has_phone_number(clean)),
        ("email_address", lambda: personal.has_email_address(clean)),
        ("vehicle_registration", lambda: personal.has_vehicle_registration(clean)),
        ("street_address", lambda: personal.has_street_address(clean)),
    )
    found = [code for code, check in checks if check()]
    learnt = [code for code in model.load().flags(clean, spoken) if code not in found]  # what the rules missed
    # Most urgent first; within emergency/welfare, what a rule found before what only the model did.
    found = sorted([*found, *learnt], key=lambda code: (code not in URGENT, code in learnt, CODES.index(code)))
    pattern = _word_pattern(policy.words)
    if pattern is not None and (pattern.search(fold(clean, normalised=True)) or pattern.search(clean.casefold())):
        found.append("word_list")
    return found


def assess(text: str, policy: Policy = DEFAULT) -> Hold | None:
    """Why `text` must be held for an officer, or None when it may go public."""
    found = reasons(text, policy)
    return policy.hold(found[0]) if found else None


def check_post(text: str, policy: Policy = DEFAULT) -> Hold | None:
    """`assess` that never lets a post through unchecked: an error, or a check slower than the
    policy's budget, holds the post as `check_failed` (an officer decides; nothing is lost)."""
    started = time.perf_counter()
    try:
        hold = assess(text, policy)
    except Exception:  # any bug in a rule must hold the post, not publish it or lose it
        log.exception("safeguarding check failed; holding the post")
        return policy.hold("check_failed")
    elapsed_ms = (time.perf_counter() - started) * 1000
    if hold is None and elapsed_ms > policy.budget_ms:
        log.warning("safeguarding check took %.0f ms (budget %.0f); holding the post", elapsed_ms, policy.budget_ms)
        return policy.hold("check_failed")
    return hold


def reply_text(replies: Iterable[Mapping[str, str]], key: object) -> str:
    """The configured wording of one ready-made reply, or "" when there is no such reply."""
    for reply in replies:
        if reply.get("key") == key and reply.get("text"):
            return reply["text"]
    return ""


POLICY = N_("""\
Meetings on this site are open: anyone can read what residents post. To keep them safe for everyone, \
an automatic check reads each post before it appears, and holds some for an officer to read first.

We hold posts that read like an emergency or a crime happening now, posts that suggest someone's life or \
safety is at risk, posts that accuse a named person of a crime or wrongdoing, posts with personal details \
(phone numbers, e-mail addresses, vehicle registrations, house numbers with a street, postcodes), and posts \
with abusive or threatening words. If your post is held you are told why, and where to go instead.

This meeting is not watched for emergencies. If someone is in danger or a crime is happening now, call 999. \
To report a crime that is not an emergency, call 101 or use the force's online reporting. If you are \
struggling, Samaritans are there day and night, free, on 116 123.

An officer may publish a held post as it is, publish it with personal details taken out, answer it, or \
hide it, and tells you why. Your original words are kept only for the officers of this beat. Every \
moderation decision is recorded in an audit log that inspectors can check.""")


def policy_paragraphs(configured: str | None = None) -> list[str]:
    """The moderation policy page's paragraphs: the force's text (SAFEGUARDING_POLICY) or the default."""
    text = configured if configured and configured.strip() else POLICY
    return [" ".join(part.split()) for part in text.split("\n\n") if part.strip()]
