"""Personal data in a post: phone numbers, e-mail addresses, vehicle registrations, addresses.

Each function takes text already passed through `normalise` and says whether it holds that kind of
personal data. Phone numbers are found by Google's libphonenumber (the `phonenumbers` package), after
digits typed as words are turned into digits; the rest are patterns of UK formats.
"""
from __future__ import annotations

import re

import phonenumbers

from pact.meetings.safeguarding.normalise import spoken_digits

# Public numbers residents are told to ring: never personal data.
PUBLIC_NUMBERS = frozenset({"999", "112", "101", "111", "116123", "08005551111", "0800555111", "08001111",
                            "03001233333", "08088020202", "0300123233"})

_PLUS = re.compile(r"\b00\s*44\b")
# libphonenumber loads a region's metadata on first use (tens of ms, more on a busy machine): load the
# UK's now, with the module, so the first post of a process is not held for running over the budget.
phonenumbers.parse("020 7946 0000", "GB")
_LETTER_O = re.compile(r"(?<=\d)[oO]+(?=[\d\s])")  # "07700 9OO 123"


def has_phone_number(text: str) -> bool:
    """A UK (or +country) phone number in any form: spaced, dotted, bracketed, +44/0044, or in words."""
    text = _PLUS.sub("+44", _LETTER_O.sub(lambda m: "0" * len(m.group(0)), spoken_digits(text)))
    for match in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE):
        digits = re.sub(r"\D", "", match.raw_string)
        if digits in PUBLIC_NUMBERS or len(digits) < 10:
            continue  # "B4567", "2023", "116 123": too short to be someone's number
        if phonenumbers.is_possible_number(match.number):
            return True
    return False


_AT = r"(?:\s*(?:@|\(\s*at\s*\)|\[\s*at\s*\]|\{\s*at\s*\}|<\s*at\s*>)\s*|\s+at\s+)"
_DOT = r"(?:\s*\.\s*|\s*\(\s*dot\s*\)\s*|\s*\[\s*dot\s*\]\s*|\s*\{\s*dot\s*\}\s*|\s+dot\s+|\s+full ?stop\s+)"
_TLD = (r"(?:com|co|uk|org|net|gov|ac|nhs|police|io|me|info|biz|eu|de|fr|ie|sch|ltd|plc|online|email|mail|live|"
        r"cymru|wales|scot|london)")
EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+", re.IGNORECASE)
DISGUISED_EMAIL = re.compile(rf"\b[\w.+\-]+{_AT}[\w\-]+(?:{_DOT}[\w\-]+)*{_DOT}{_TLD}\b", re.IGNORECASE)
_PROVIDERS = r"(?:gmail|googlemail|hotmail|yahoo|outlook|icloud|btinternet|live|aol|sky|protonmail|proton|ymail|msn)"
PROVIDER_EMAIL = re.compile(rf"\b[\w.+\-]+\s*(?:@|\bat\b|\(at\)|\[at\])\s*{_PROVIDERS}\b", re.IGNORECASE)


def has_email_address(text: str) -> bool:
    """An e-mail address, also written "name at example dot co dot uk", "name [at] gmail", "jo at hotmail"."""
    return bool(EMAIL.search(text) or DISGUISED_EMAIL.search(text) or PROVIDER_EMAIL.search(text))


# --- vehicle registrations -------------------------------------------------------------------
# Letters that cannot be a registration's words: common three-letter words and months, so "the A12
# AND the B1234", "bus 42A", "on 24 sep" stay public.
COMMON_WORDS = frozenset("""
and the for was are but not you all has had now too way off out car bus van his her our who why how mph yes
get got can day one two six ten new old big bad hot end try use see saw say put run let lot man men boy job
its own any few far may she him did ago yet per via etc top low far act add age aid aim air art ask ate bag
bar bed bet bin bit box bye cab cap cat cop cow cry cup cut dad dog dry due ear eat egg eye fan fat fed fee
fit fix fly fun gap gas gun guy hat hit hub ice ill ink jam jog joy key kid kit lab lad law lay leg lie lip
log mad map mat mix mud mum nap net nil nor nut oak odd oil opt owe pan pat pay pen pet pie pin pit pop pot
pub rag ran rat raw red rid rob rod row rub rug sad sat sea set sit sky sly son spy sue sum sun tab tag tan
tap tax tea tie tin tip toe ton top toy van vet war wet win won yard yet zip zoo ave mon tue wed thu fri sat
sun jan feb mar apr jun jul aug sep oct nov dec mins hrs pms ams bst gmt est tv pcs ltd plc nhs dvl mot
""".upper().split())
_PLATE_CURRENT = re.compile(r"[A-Z]{2}(\d{2})([A-Z]{3})")
_PLATE_PREFIX = re.compile(r"[A-HJ-NP-Y]\d{1,3}([A-Z]{3})")
_PLATE_SUFFIX = re.compile(r"([A-Z]{3})\d{1,3}[A-HJ-NP-Y]")
_PLATE_NI = re.compile(r"([A-Z]{1,2}[IZ][A-Z]?)\d{1,4}")
_PLATE_DATELESS = re.compile(r"[A-Z]{1,3}\d{1,4}|\d{1,4}[A-Z]{1,3}")
_TOKEN = re.compile(r"[A-Za-z0-9]+")
_HAS_DIGIT = re.compile(r"\d")
_PLATE_CUE = re.compile(r"\b(?:reg|regs|registration|reg no|number plate|plate|plates|numberplate|index)\b",
                        re.IGNORECASE)
_RECENT_AGE = 26  # the newest age identifier issued (September 2026 is 76)


def _age_identifier(two: str) -> bool:
    age = int(two)
    return 2 <= age <= _RECENT_AGE or 51 <= age <= _RECENT_AGE + 50


def _is_plate(compact: str, *, cued: bool, shouted: bool, letters_upper: bool) -> bool:
    if m := _PLATE_CURRENT.fullmatch(compact):
        return _age_identifier(m.group(1)) and m.group(2) not in COMMON_WORDS
    for pattern in (_PLATE_PREFIX, _PLATE_SUFFIX):
        if m := pattern.fullmatch(compact):
            # "A470 bob", "the A38 all day": an old-style plate is written in capitals, or after "reg".
            return m.group(1) not in COMMON_WORDS and (cued or letters_upper)
    if (m := _PLATE_NI.fullmatch(compact)) and (cued or shouted) and m.group(1) not in COMMON_WORDS:
        return True
    return cued and bool(_PLATE_DATELESS.fullmatch(compact)) and not compact.isdigit()


def has_vehicle_registration(text: str) -> bool:
    """A UK registration in any case, spacing or punctuation: current (AB12 CDE), prefix (A123 BCD),
    suffix (ABC 123D), and, after a word like "reg" or "plate", Northern Irish and dateless ones."""
    if not _HAS_DIGIT.search(text):
        return False
    tokens = list(_TOKEN.finditer(text))
    shouting = text.isupper()
    for i, first in enumerate(tokens):
        compact, end, cued = "", first.start(), None
        for token in tokens[i:i + 7]:
            gap = text[end:token.start()]
            if compact and (len(gap) > 2 or gap.strip(" .-")):
                break
            compact += token.group(0)
            end = token.end()
            if len(compact) > 8:
                break
            if len(compact) < 2 or compact.isdigit() or compact.isalpha():
                continue
            if cued is None:
                cued = bool(_PLATE_CUE.search(text, max(0, first.start() - 25), first.start()))
            raw = text[first.start():end]
            letters = "".join(c for c in raw if c.isalpha())
            if _is_plate(compact.upper(), cued=cued, shouted=raw.isupper() and not shouting,
                         letters_upper=letters.isupper() or raw.isalnum()):
                return True
    return False


# --- addresses -------------------------------------------------------------------------------
_STREET_WORDS = (r"road|rd|street|st|avenue|ave|lane|ln|close|cl|drive|dr|way|crescent|cres|court|ct|place|pl|"
                 r"terrace|gardens|gdns|grove|mews|row|walk|square|sq|parade|rise|green|hill|view|vale|wharf|yard|"
                 r"park|heights|fold|croft|meadow|meadows|chase|gate|boulevard|broadway|end|side|bank|brow|"
                 r"approach|heol|ffordd|stryd|lon|cilgant")
_NOT_A_NAME = (r"on|in|at|by|near|along|down|up|from|to|and|or|the|of|outside|opposite|behind|off|past|into|onto|"
               r"cars?|vans?|kids?|people|times?|houses?|homes?|mins?|minutes?|hours?|hrs?|years?|yrs?|days?|weeks?|"
               r"months?|bus|buses|lorries|lorry|bikes?|youths?|lads?|of|am|pm|mph|miles?|metres?|yards?|percent|"
               r"per|are|were|is|was|have|had|every|each|more|less|new|speed|bins?|lights?|street ?lights?|"
               r"potholes?|trees?|dogs?|calls?|reports?|incidents?|burglaries|crimes?|arrests?")
STREET = re.compile(
    rf"(?<![\w/:.£$-])(?:\d{{1,4}}/)?\d{{1,4}}[a-z]?(?:\s?-\s?\d{{1,4}})?,?\s+(?:(?!(?:{_NOT_A_NAME})\b)[A-Za-z'\-]+\s+){{1,3}}"
    rf"(?:{_STREET_WORDS})\b",
    re.IGNORECASE,
)
FLAT = re.compile(r"\b(?:flat|apartment|apt|unit|house|number|no\.?|num)\s*\d{1,4}[a-z]?\b.{0,40}?\b"
                  rf"(?:{_STREET_WORDS}|house|court|tower|block|building|lodge)\b", re.IGNORECASE)
NUMBERED_NEIGHBOUR = re.compile(
    r"\b(?:at|lives? at|from|in)\s+(?:number|no\.?|num|nr|#)\s*\d{1,4}[a-z]?\b"
    r"|\b(?:number|no\.?|num|nr) \d{1,4}[a-z]? (?:is|are|keep|keeps|has|have|had|was|were|let|lets|play|plays|park|"
    r"parks|shout|shouts|deal|deals)\b", re.IGNORECASE)
WELSH_STREET = re.compile(r"(?<![\w/:.£$-])\d{1,4}[a-z]?,? (?:heol|stryd|ffordd|lon|rhodfa|cilgant|maes|clos|llys|"
                          r"[A-Z][a-z]+(?:way|gate|field|fields|side|croft|dale|mead|wood|bury|ton)\b|the "
                          rf"(?:{_STREET_WORDS}))\b", re.IGNORECASE)
POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?|GIR)\s*\d[ABD-HJLNP-UW-Z]{2}(?![A-Za-z0-9])",
    re.IGNORECASE,
)


def has_street_address(text: str) -> bool:
    """A house or flat number with a street ("14 Mill Lane", "flat 3 Tower House", "at number 12"), or a postcode."""
    return bool(STREET.search(text) or WELSH_STREET.search(text) or FLAT.search(text) or NUMBERED_NEIGHBOUR.search(text)
                or POSTCODE.search(text))
