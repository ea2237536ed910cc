"""Text as the rules read it: one canonical form however a resident (or a disguise) typed it.

NFKC first (full-width letters, ligatures, circled and superscript digits become plain ones), then
invisible characters go (zero-width spaces and joiners, soft hyphens, bidi controls, variation
selectors), then look-alike letters from other scripts are folded onto Latin (Cyrillic "а" for
"a", Greek "ο" for "o"…), and accents are dropped. Line breaks and runs of spaces become one space.
"""
from __future__ import annotations

import re
import unicodedata

# Letters of other scripts that look like Latin ones (a subset of Unicode's confusables that people
# actually use to slip past filters), after NFKC.
_CONFUSABLES = str.maketrans({
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "һ": "h", "ԁ": "d", "ԛ": "q",
    "ԝ": "w", "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J",
    "α": "a", "ο": "o", "ν": "v", "ρ": "p", "τ": "t", "ι": "i", "κ": "k", "υ": "u", "χ": "x", "ε": "e",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    "ℓ": "l", "ı": "i", "ȷ": "j", "ɑ": "a", "ɡ": "g",
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"',
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-", "﹘": "-",
    "＠": "@", "﹫": "@", "․": ".", "。": ".", "｡": ".",
})
_SPACES = re.compile(r"\s+")
# Digit-for-letter swaps, for word matching only (a phone number must keep its digits).
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})


def _invisible(ch: str) -> bool:
    """Format characters (Cf: zero-width, bidi, soft hyphen), variation selectors, combining grapheme joiner."""
    if ch in "\t\n\r":
        return False
    cat = unicodedata.category(ch)
    return cat in ("Cf", "Cc", "Co", "Cs") or "\ufe00" <= ch <= "\ufe0f" or ch == "\u034f" or ch == "\u3164"


def normalise(text: str) -> str:
    """NFKC, invisible characters removed, look-alikes folded to Latin, accents dropped, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if not _invisible(ch)).translate(_CONFUSABLES)
    decomposed = unicodedata.normalize("NFKD", text)
    text = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))
    return _SPACES.sub(" ", text).strip()


def fold(text: str, *, normalised: bool = False) -> str:
    """Lower case, digit-for-letter swaps undone: for matching words, never numbers."""
    return (text if normalised else normalise(text)).casefold().translate(_LEET)


_NUMBER_WORDS = {
    "zero": "0", "oh": "0", "o": "0", "nought": "0", "one": "1", "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
}
_MULTIPLIERS = {"double": 2, "triple": 3, "treble": 3}
_NUMBERISH = re.compile(
    r"\b(?:(?:double|triple|treble)\s+)?(?:zero|oh|nought|one|two|three|four|five|six|seven|eight|nine|\d)\b"
    r"(?:[\s,.\-]+(?:(?:double|triple|treble)\s+)?(?:zero|oh|o|nought|one|two|three|four|five|six|seven|eight|"
    r"nine|\d+)\b)+",
    re.IGNORECASE,
)


def _spoken_run(match: re.Match[str]) -> str:
    words = re.findall(r"[a-z]+|\d+", match.group(0).lower())
    digits, repeat = [], 1
    for word in words:
        if word in _MULTIPLIERS:
            repeat = _MULTIPLIERS[word]
            continue
        digits.append((_NUMBER_WORDS.get(word) or word) * repeat)
        repeat = 1
    joined = "".join(digits)
    return joined if len(joined) >= 9 else match.group(0)


def spoken_digits(text: str) -> str:
    """Runs of digits written as words ("oh seven seven double oh…") turned into digits, when long
    enough to be a phone number; shorter runs ("one or two") are left as they were."""
    return _NUMBERISH.sub(_spoken_run, text)
