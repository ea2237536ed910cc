"""Residents' display names may not pass for police staff: "PC …", "PCSO …", "Sgt …", "Inspector …",
"Police …", "Officer …" are refused with `reserved_name` (issue #11, M7).

Staff are marked by the server (ISSUE's `staff`, a badge in the room), so this is the second half:
a resident cannot type their way to looking like staff. The check reads a *skeleton* of the name,
so case, spacing, dots, accents, full-width letters, digits for letters (P0lice, 5gt) and Cyrillic
or Greek look-alikes (РС, Ρolice) do not get round it.
"""
from __future__ import annotations

import re
import unicodedata

from pact.meetings.errors import DomainError
from pact.wording import N_

# Look-alikes → the Latin letter they pass for. `l`, `1`, `|` and `!` all become `i`; the reserved
# words go through the same skeleton, so "police" and "po1ice" meet at "poiice".
_LOOK_ALIKES = str.maketrans({
    "0": "o", "1": "i", "l": "i", "|": "i", "!": "i", "3": "e", "4": "a", "@": "a", "5": "s", "$": "s", "7": "t",
    "а": "a", "в": "b", "с": "c", "е": "e", "һ": "h", "н": "h", "і": "i", "ј": "j", "к": "k", "м": "m", "о": "o",
    "р": "p", "ѕ": "s", "т": "t", "у": "y", "х": "x", "ԁ": "d", "ɡ": "g",
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "μ": "m", "ν": "v", "ο": "o", "ρ": "p", "σ": "o",
    "τ": "t", "υ": "u", "χ": "x",
})
# A title as the name's first word: "PC Demo", "Sgt. Bloggs", "P.C. Demo".
_TITLES = ("pc", "pcso", "sgt", "sergeant", "insp", "inspector", "police", "officer", "constable", "supt",
           "superintendent", "chief", "detective", "det", "dci", "dsgt", "dcs")
# Words that claim to be staff anywhere in the name: "Demo (demo officer)", "Jo from the police".
_CLAIMS = ("pcso", "sergeant", "inspector", "police", "officer", "constable", "superintendent", "policeman",
           "policewoman")


def skeleton(text: str) -> list[str]:
    """The name's words as they look: folded, accents and invisible characters dropped, look-alikes
    mapped; runs of single letters ("P C S O", "P.C.") joined into one word."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c) and unicodedata.category(c) != "Cf")
    words = re.split(r"[^a-z]+", bare.casefold().translate(_LOOK_ALIKES))
    joined: list[str] = []
    in_run = False  # the last word was built from single letters only
    for word in filter(None, words):
        if len(word) == 1 and in_run:
            joined[-1] += word
        else:
            joined.append(word)
            in_run = len(word) == 1
    return joined


_TITLE_SKELETONS = {"".join(skeleton(t)) for t in _TITLES}
_CLAIM_SKELETONS = tuple("".join(skeleton(c)) for c in _CLAIMS)


def is_reserved_name(name: str) -> bool:
    """Whether a resident's display name would read as police staff."""
    words = skeleton(name)
    if not words:
        return False
    if words[0] in _TITLE_SKELETONS:
        return True
    return any(claim in word for word in words for claim in _CLAIM_SKELETONS) or any(
        claim in "".join(words) for claim in ("poiice", "pcso"))


def check_resident_name(name: str) -> str:
    """Return the name, or raise `reserved_name` if it passes for staff."""
    if is_reserved_name(name):
        raise DomainError("reserved_name", N_("Names that look like a police title or role (PC, PCSO, Sgt, Inspector, "
                                           "Police, Officer…) are kept for staff, so everyone can tell who speaks "
                                           "for the police. Please choose another name."))
    return name
