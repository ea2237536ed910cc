"""Places: beats' boundaries, postcodes, and finding the beat that holds a place.

Public functions (other packages and the adapters call these, never the models):
`find_beat_by_postcode`, `find_beat_at`, `import_boundary`, `import_postcodes`, `boundary_of`.
"""
from __future__ import annotations

from pact.extensions import db
from pact.meetings.errors import DomainError, worded
from pact.models import Beat
from pact.places.boundaries import boundary_of, import_boundary
from pact.places.lookup import beat_id_at
from pact.places.postcodes import display_postcode, import_postcodes, normalise_postcode, point_of
from pact.wording import N_

__all__ = ["boundary_of", "find_beat_at", "find_beat_by_postcode", "import_boundary", "import_postcodes",
           "parse_point"]


def outside_every_beat(postcode: str | None = None) -> DomainError:
    """The `outside_beats` refusal for a place no beat here covers: the postcode, or without one the place."""
    if postcode is None:
        return DomainError("outside_beats", N_("That place is outside every beat that uses PACT Live here. "
                                               "Your force's website lists every neighbourhood team."))
    return worded("outside_beats", N_("%(postcode)s is outside every beat that uses PACT Live here. "
                                      "Your force's website lists every neighbourhood team."), {"postcode": postcode})


def parse_point(lat: str | None, lng: str | None) -> tuple[float, float]:
    """Latitude and longitude from a form or query, or `invalid_location`."""
    try:
        point = float(lat or ""), float(lng or "")
    except ValueError:
        raise DomainError("invalid_location", N_("A location is a latitude and a longitude in degrees.")) from None
    if not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
        raise DomainError("invalid_location", N_("A location is a latitude and a longitude in degrees."))
    return point


def find_beat_at(lat: float, lng: float) -> Beat:
    """The beat covering the point; `outside_beats` when none does."""
    beat_id = beat_id_at(lat, lng)
    if beat_id is None:
        raise outside_every_beat()
    return db.session.get_one(Beat, beat_id)


def find_beat_by_postcode(raw: str) -> Beat:
    """The beat holding the postcode's point; `invalid_postcode`, `unknown_postcode` or `outside_beats`."""
    code = normalise_postcode(raw)
    point = point_of(code)
    if point is None:
        raise worded("unknown_postcode", N_("We don't know the postcode %(postcode)s. "
                                                "Check it, or use your location instead."),
                     {"postcode": display_postcode(code)})
    beat_id = beat_id_at(*point)
    if beat_id is None:
        raise outside_every_beat(display_postcode(code))
    return db.session.get_one(Beat, beat_id)
