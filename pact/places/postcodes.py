"""Postcodes and their points, imported from the ONS Postcode Directory (ONSPD) CSV layout.

Columns used: `pcds` (the postcode as written, "LS6 1AN"), `lat` and `long` (WGS 84). Other
columns are ignored, so the full ONSPD file and a small extract with only those three both work.
ONSPD gives postcodes without a grid reference the latitude 99.999999: such rows are skipped, as
are terminated postcodes (a non-empty `doterm` column), and counted in the result.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, insert

from pact.extensions import db
from pact.meetings.errors import DomainError
from pact.models import Postcode
from pact.wording import N_

# The UK postcode shape: outward code (area, district) then inward code (sector digit, unit).
POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
REQUIRED = ("pcds", "lat", "long")
BATCH = 5000


def normalise_postcode(raw: str) -> str:
    """"ls6 1an" → "LS61AN"; raises `invalid_postcode` for anything that is not a full postcode."""
    compact = re.sub(r"\s+", "", (raw or "")).upper()
    if not POSTCODE.match(compact):
        raise DomainError("invalid_postcode", N_("Enter a full postcode, like LS6 1AN."))
    return compact


def display_postcode(compact: str) -> str:
    """A compact postcode ("LS61AN") as people write it ("LS6 1AN")."""
    return f"{compact[:-3]} {compact[-3:]}"


@dataclass
class ImportResult:
    """What an ONSPD import did: rows imported, and rows skipped by reason."""
    imported: int = 0
    skipped_no_location: int = 0
    skipped_terminated: int = 0
    skipped_invalid: int = 0


def import_postcodes(lines: Iterable[str]) -> ImportResult:
    """Load (or replace) postcodes from CSV lines in the ONSPD layout, in batches.

    Raises `invalid_file` when a required column is missing; bad rows are counted in `ImportResult`, not
    refused."""
    reader = csv.DictReader(lines)
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise DomainError("invalid_file", f"The CSV needs the columns {', '.join(REQUIRED)}; "
                                          f"missing: {', '.join(missing)}.")
    reader.fieldnames = header
    result, batch = ImportResult(), {}
    for row in reader:
        if (row.get("doterm") or "").strip():
            result.skipped_terminated += 1
            continue
        try:
            code = normalise_postcode(row["pcds"])
            lat, lng = float(row["lat"]), float(row["long"])
        except (DomainError, TypeError, ValueError):
            result.skipped_invalid += 1
            continue
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):  # ONSPD: 99.999999 = no location
            result.skipped_no_location += 1
            continue
        batch[code] = {"postcode": code, "lat": lat, "lng": lng}
        if len(batch) >= BATCH:
            result.imported += _write(batch)
    result.imported += _write(batch)
    return result


def _write(batch: dict[str, dict]) -> int:
    if not batch:
        return 0
    db.session.execute(delete(Postcode).where(Postcode.postcode.in_(list(batch))))
    db.session.execute(insert(Postcode), list(batch.values()))
    count = len(batch)
    batch.clear()
    return count


def point_of(postcode: str) -> tuple[float, float] | None:
    """(lat, lng) of a full postcode, or None when it is not in the imported directory.

    Raises `invalid_postcode` for anything that is not a full postcode."""
    row = db.session.get(Postcode, normalise_postcode(postcode))
    return (row.lat, row.lng) if row else None
