"""Who took part compared with who lives there: optional, anonymous answers given at join
(postcode district, age band) and each beat's population profile imported by the force.

Only aggregates leave this module, and a count below SMALL_NUMBER is withheld (None).
"""
from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select

from pact.evidence import SMALL_NUMBER
from pact.extensions import db
from pact.meetings.directory import find_beat
from pact.meetings.errors import DomainError
from pact.models import BeatPopulation

if TYPE_CHECKING:
    from pact.evidence.attendance import Attendance

AGE_BANDS = ("16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+")
DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")  # the outward code: LS6, SW1A, M1
POPULATION_COLUMNS = ("beat", "age_band", "share")
SHARE_TOLERANCE = 0.02


def parse_age_band(raw: object) -> str | None:
    """None or "" means skipped; anything else must be one of AGE_BANDS (`invalid_payload` otherwise)."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or raw not in AGE_BANDS:
        raise DomainError("invalid_payload", f"age_band must be one of {', '.join(AGE_BANDS)} (or left out).",
                          field="age_band")
    return raw


def parse_district(raw: object) -> str | None:
    """A postcode district such as "LS6" (a full postcode is cut to its district: nothing finer is kept).

    Raises `invalid_payload` for anything that is not the first half of a postcode."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None
    if not isinstance(raw, str):
        raise DomainError("invalid_payload", "postcode_district must be text such as LS6.", field="postcode_district")
    district = raw.strip().upper().split()[0][:4] if raw.strip() else ""
    if not DISTRICT.match(district):
        raise DomainError("invalid_payload", "postcode_district must be the first half of a postcode, such as LS6.",
                          field="postcode_district")
    return district


def import_population(text: str, *, now: datetime) -> dict[str, int]:
    """Replace each named beat's profile from CSV text with the header `beat,age_band,share`.

    `share` is a fraction (0.12) or a percentage (12%); a beat's shares must add up to 1 (±0.02).
    Everything is checked before anything is written. Returns the rows imported per beat slug.
    Raises `invalid_csv` (header, band, share, a band twice, shares not adding up; with the line) or
    `unknown_beat`."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if reader.fieldnames is None or [f.strip() for f in reader.fieldnames][:3] != list(POPULATION_COLUMNS):
        raise DomainError("invalid_csv", "The first line must be the header: beat,age_band,share")
    profiles: dict[str, dict[str, float]] = {}
    for line, row in enumerate(reader, start=2):
        slug, band, raw_share = ((row.get(c, "") or "").strip() for c in POPULATION_COLUMNS)
        if band not in AGE_BANDS:
            raise DomainError("invalid_csv",
                              f"Line {line}: age band '{band[:10]}' is not one of {', '.join(AGE_BANDS)}.")
        try:
            share = float(raw_share.rstrip("%")) / (100 if raw_share.endswith("%") else 1)
        except ValueError:
            raise DomainError("invalid_csv", f"Line {line}: share '{raw_share[:20]}' is not a number.") from None
        if not 0 <= share <= 1:
            raise DomainError("invalid_csv", f"Line {line}: share must be between 0 and 1 (or 0% and 100%).")
        if band in profiles.setdefault(slug, {}):
            raise DomainError("invalid_csv", f"Line {line}: {slug} has age band {band} twice.")
        profiles[slug][band] = share
    if not profiles:
        raise DomainError("invalid_csv", "The file has no rows after the header.")
    beats = {}
    for slug in profiles:
        try:
            beats[slug] = find_beat(slug)
        except DomainError:
            raise DomainError("unknown_beat", f"There is no beat '{slug[:64]}'; create it first.") from None
    for slug, shares in profiles.items():
        if abs(sum(shares.values()) - 1) > SHARE_TOLERANCE:
            raise DomainError("invalid_csv", f"The shares for {slug} add up to {sum(shares.values()):.2f}, not 1.")
    for slug, shares in profiles.items():
        db.session.execute(delete(BeatPopulation).where(BeatPopulation.beat_id == beats[slug].id))
        db.session.add_all(BeatPopulation(beat_id=beats[slug].id, age_band=band, share=share, imported_at=now)
                           for band, share in shares.items())
    db.session.flush()
    return {slug: len(shares) for slug, shares in profiles.items()}


def population_shares(beat_ids: list[int]) -> dict[str, float]:
    """The selected beats' profile (a plain average over the beats that have one)."""
    rows = db.session.execute(select(BeatPopulation.beat_id, BeatPopulation.age_band, BeatPopulation.share)
                              .where(BeatPopulation.beat_id.in_(beat_ids))).all() if beat_ids else []
    beats = {r.beat_id for r in rows}
    if not beats:
        return {}
    totals: Counter[str] = Counter()
    for row in rows:
        totals[row.age_band] += row.share
    return {band: totals[band] / len(beats) for band in AGE_BANDS}


def participation_profile(attendances: Iterable[Attendance], beat_ids: list[int]) -> dict[str, Any]:
    """Age bands and districts of residents who took part vs the population; small numbers withheld."""
    bands: Counter[str] = Counter()
    districts: Counter[str] = Counter()
    for item in attendances:
        bands.update(item.age_bands)
        districts.update(item.districts)
    answered = sum(bands.values())
    population = population_shares(beat_ids)
    shown = answered >= SMALL_NUMBER
    rows = [{"band": band,
             "count": bands.get(band, 0) if shown and bands.get(band, 0) >= SMALL_NUMBER else None,
             "share": bands.get(band, 0) / answered if shown and bands.get(band, 0) >= SMALL_NUMBER else None,
             "population_share": population.get(band)} for band in AGE_BANDS]
    return {
        "answered": answered if shown else None, "bands": rows, "has_population": bool(population),
        "districts": sorted(((d, n) for d, n in districts.items() if n >= SMALL_NUMBER), key=lambda x: (-x[1], x[0])),
        "districts_withheld": sum(1 for n in districts.values() if n < SMALL_NUMBER),
    }


def parse_about(raw_district: object, raw_age_band: object) -> dict[str, str | None]:
    """The optional `join` fields, checked: {"postcode_district", "age_band"} (None where skipped)."""
    return {"postcode_district": parse_district(raw_district), "age_band": parse_age_band(raw_age_band)}
