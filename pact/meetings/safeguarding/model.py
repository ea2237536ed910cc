"""A small trained text classifier for the three risk holds: `emergency`, `welfare`, `accusation`.

Phrase rules (risk.py, accusation.py) catch the phrasings someone thought of; residents write
others. This model reads the same prepared text (normalised, lower case, text-speak expanded) as
word unigrams and bigrams plus character 3–5-grams inside words, hashed into `BUCKETS` slots, and
scores each risk class with logistic regression. Whatever either the rules or the model flags is held.

It is trained offline (bench/train_safeguarding.py, scikit-learn, fixed seed) and shipped here as
`model.bin.gz`: a JSON header line (classes, biases, thresholds, how it was trained) and one
record per used slot (slot number and one half-float weight per class). Inference is plain Python
(no numpy or scikit-learn at run time): a sum over the post's slots. It is loaded once per process
(`load`); a missing or damaged file raises, and `check_post` then holds the post (`check_failed`).
docs/safeguarding.md has its figures and cost.
"""
from __future__ import annotations

import gzip
import json
import math
import re
import struct
import zlib
from array import array
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pact.meetings.safeguarding import accusation, risk

MODEL_PATH = Path(__file__).with_name("model.bin.gz")
BUCKETS = 1 << 18
RECORD = struct.Struct("<I3e")  # slot, then one weight per class (half floats: ±65504, ~3 significant digits)
MIN_FEATURES = 64
_TOKEN = re.compile(r"[a-z0-9']+")
_DIGIT = re.compile(r"\d")


def hints(clean: str, prepared: str) -> tuple[str, ...]:
    """What the rules' parts see, as extra features: a person named, a wrongdoing word, a sign that
    it is happening now, a sign that it is over. The model learns how much each counts."""
    found = [("name", accusation.names_person(clean)), ("wrong", bool(accusation.WRONGDOING.search(clean))),
             ("now", bool(risk.NOW.search(prepared))), ("past", bool(risk.PAST.search(prepared)))]
    return tuple(name for name, seen in found if seen)


def features(prepared: str, extra: tuple[str, ...] = ()) -> dict[int, float]:
    """The hashed feature slots of one prepared post, each worth 1/sqrt(number of distinct features)
    (so a long post does not outweigh a short one), but at least MIN_FEATURES of them (a post of a
    few words is little evidence either way, and scores near the prior). Digits are folded to 0: "A38" and "A470" look alike."""
    words = [_DIGIT.sub("0", word.strip("'")) for word in _TOKEN.findall(prepared)]
    words = [word for word in words if word]
    names = {f"w {word}" for word in words} | {f"x {hint}" for hint in extra}
    names.update(f"b {first} {second}" for first, second in zip(words, words[1:], strict=False))
    for word in words:
        padded = f"<{word}>"
        for n in (3, 4, 5):
            names.update(f"c {padded[i:i + n]}" for i in range(len(padded) - n + 1))
    if not names:
        return {}
    value = 1.0 / math.sqrt(max(len(names), MIN_FEATURES))
    slots: dict[int, float] = {}
    for name in names:
        slot = zlib.crc32(name.encode()) % BUCKETS
        slots[slot] = slots.get(slot, 0.0) + value
    return slots


@dataclass(frozen=True)
class Model:
    """The trained classifier: hashed features, one logistic regression per class (bench/train_safeguarding.py)."""
    classes: tuple[str, ...]
    bias: tuple[float, ...]
    thresholds: tuple[float, ...]  # a class is flagged when its probability reaches this
    weights: array  # BUCKETS × len(classes), row-major
    about: dict

    def probabilities(self, clean: str, prepared: str) -> dict[str, float]:
        """Each class's probability for a post: `clean` is normalised (normalise.py), `prepared` is
        what risk.prepare made of it."""
        width = len(self.classes)
        sums = list(self.bias)
        weights = self.weights
        for slot, value in features(prepared, hints(clean, prepared)).items():
            base = slot * width
            for k in range(width):
                sums[k] += weights[base + k] * value
        return {name: 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, s)))) for name, s in zip(self.classes, sums,
                                                                                           strict=True)}

    def flags(self, clean: str, prepared: str) -> list[str]:
        """The classes whose probability reaches their threshold, most probable first."""
        probs = self.probabilities(clean, prepared)
        hits = [(p, name) for (name, p), t in zip(probs.items(), self.thresholds, strict=True) if p >= t]
        return [name for _, name in sorted(hits, reverse=True)]


def write(path: Path, classes: list[str], bias: list[float], thresholds: list[float],
          rows: dict[int, list[float]], about: dict) -> None:
    """Save a model (used by the training script): header line, then the packed records."""
    header = json.dumps({"classes": classes, "bias": bias, "thresholds": thresholds, "buckets": BUCKETS,
                         "about": about}, sort_keys=True)
    body = b"".join(RECORD.pack(slot, *row) for slot, row in sorted(rows.items()))
    path.write_bytes(gzip.compress(header.encode() + b"\n" + body, compresslevel=9, mtime=0))


def read(path: Path | None = None) -> Model:
    """A model file (default: the shipped one); raises OSError or ValueError if it is missing or damaged."""
    path = path or MODEL_PATH
    raw = gzip.decompress(path.read_bytes())
    header_end = raw.index(b"\n")
    header = json.loads(raw[:header_end])
    classes = tuple(header["classes"])
    if header["buckets"] != BUCKETS or len(classes) != 3:
        raise ValueError(f"{path.name}: a model for {header['buckets']} slots and {len(classes)} classes")
    weights = array("f", bytes(4 * BUCKETS * len(classes)))
    for slot, first, second, third in RECORD.iter_unpack(raw[header_end + 1:]):
        base = slot * 3
        weights[base] = first
        weights[base + 1] = second
        weights[base + 2] = third
    return Model(classes, tuple(header["bias"]), tuple(header["thresholds"]), weights, header["about"])


@lru_cache(maxsize=1)
def load() -> Model:
    """The shipped model, read once per process."""
    return read()
