"""Beat boundaries from the three formats forces have: GeoJSON, KML, and data.police.uk's boundary
JSON (a list of `{"latitude", "longitude"}` points). Every shape becomes one valid shapely
MultiPolygon in longitude/latitude, kept as GeoJSON on the beat."""
from __future__ import annotations

import json
from datetime import datetime
from xml.etree import ElementTree

from shapely import make_valid
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select

from pact.extensions import db
from pact.meetings.errors import DomainError
from pact.models import Beat, BeatBoundary

FORMATS = ("geojson", "kml", "police-uk")
KML_NS = "{http://www.opengis.net/kml/2.2}"


def invalid(message: str) -> DomainError:
    """An `invalid_boundary` refusal saying what is wrong with the uploaded file."""
    return DomainError("invalid_boundary", message)


def detect_format(name: str, text: str) -> str:
    """By the file's ending, else by its first character (`<` KML, `[` police.uk, `{` GeoJSON).

    Raises `invalid_boundary` when neither tells."""
    lower = name.lower()
    if lower.endswith(".kml"):
        return "kml"
    if lower.endswith((".geojson", ".geo.json")):
        return "geojson"
    start = text.lstrip()[:1]
    if start == "<":
        return "kml"
    if start == "[":
        return "police-uk"
    if start == "{":
        return "geojson"
    raise invalid("The file is not GeoJSON, KML or a data.police.uk boundary (a list of latitude/longitude points).")


def parse_boundary(text: str, fmt: str) -> MultiPolygon:
    """The area the file describes, as one valid MultiPolygon (holes and several parts kept).

    Raises `invalid_boundary` saying what is wrong with the file."""
    if fmt == "kml":
        geometry = _from_kml(text)
    else:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise invalid(f"The file is not valid JSON ({exc.msg}, line {exc.lineno}).") from None
        geometry = _from_police_uk(data) if fmt == "police-uk" else _from_geojson(data)
    return _as_multipolygon(geometry)


def _from_geojson(data: object) -> BaseGeometry:
    if not isinstance(data, dict):
        raise invalid("A GeoJSON file holds one object: a Feature, a FeatureCollection or a geometry.")
    kind = data.get("type")
    if kind == "FeatureCollection":
        parts = [_from_geojson(feature) for feature in data.get("features") or []]
        if not parts:
            raise invalid("The FeatureCollection has no features.")
        return _union(parts)
    if kind == "Feature":
        if not data.get("geometry"):
            raise invalid("The Feature has no geometry.")
        return _from_geojson(data["geometry"])
    if kind not in ("Polygon", "MultiPolygon"):
        raise invalid(f"A beat is an area: expected a Polygon or MultiPolygon, not {kind!r}.")
    try:
        return shape(data)
    except (ValueError, TypeError, IndexError, KeyError, AttributeError):
        raise invalid("The polygon's coordinates are not a list of [longitude, latitude] rings.") from None


def _from_police_uk(data: object) -> BaseGeometry:
    if not isinstance(data, list) or len(data) < 3:
        raise invalid("A data.police.uk boundary is a list of at least three latitude/longitude points.")
    try:
        ring = [(float(p["longitude"]), float(p["latitude"])) for p in data]
    except (TypeError, KeyError, ValueError):
        raise invalid("Every point needs a numeric \"latitude\" and \"longitude\".") from None
    return Polygon(ring)


def _from_kml(text: str) -> BaseGeometry:
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        raise invalid(f"The KML file is not well-formed XML ({exc}).") from None
    polygons = []
    for element in root.iter():
        if element.tag in (f"{KML_NS}Polygon", "Polygon"):
            outer = _kml_rings(element, "outerBoundaryIs")
            if not outer:
                raise invalid("A KML Polygon has no outerBoundaryIs ring.")
            polygons.append(Polygon(outer[0], _kml_rings(element, "innerBoundaryIs")))
    if not polygons:
        raise invalid("The KML file has no Polygon.")
    return _union(polygons)


def _kml_rings(polygon: ElementTree.Element, boundary: str) -> list[list[tuple[float, float]]]:
    rings = []
    for tag in (f"{KML_NS}{boundary}", boundary):
        for part in polygon.findall(tag):
            for coords in part.iter():
                if coords.tag in (f"{KML_NS}coordinates", "coordinates") and coords.text:
                    try:
                        rings.append([(float(c.split(",")[0]), float(c.split(",")[1])) for c in coords.text.split()])
                    except (ValueError, IndexError):
                        raise invalid("KML coordinates are \"longitude,latitude[,altitude]\" separated by spaces.") \
                            from None
    return rings


def _union(parts: list[BaseGeometry]) -> BaseGeometry:
    from shapely import union_all

    return union_all([make_valid(p) for p in parts])


def _as_multipolygon(geometry: BaseGeometry) -> MultiPolygon:
    if not geometry.is_valid:
        geometry = make_valid(geometry)
    polygons = [g for g in getattr(geometry, "geoms", [geometry]) if isinstance(g, (Polygon, MultiPolygon))]
    flat = [p for g in polygons for p in (g.geoms if isinstance(g, MultiPolygon) else [g])]
    if not flat or all(p.area == 0 for p in flat):
        raise invalid("The boundary encloses no area.")
    result = MultiPolygon(flat)
    min_lng, min_lat, max_lng, max_lat = result.bounds
    if not (-180 <= min_lng <= max_lng <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise invalid("The coordinates are not longitude/latitude in degrees (WGS 84).")
    return result


def set_boundary(beat: Beat, area: MultiPolygon, *, source: str, now: datetime) -> BeatBoundary:
    """Replace the beat's boundary with `area`."""
    row = db.session.get(BeatBoundary, beat.id) or BeatBoundary(beat_id=beat.id)
    min_lng, min_lat, max_lng, max_lat = area.bounds
    row.geojson = json.dumps(mapping(area), separators=(",", ":"))
    row.min_lng, row.min_lat, row.max_lng, row.max_lat = min_lng, min_lat, max_lng, max_lat
    row.source, row.imported_at = source, now
    db.session.add(row)
    db.session.flush()
    return row


def import_boundary(beat: Beat, name: str, text: str, *, now: datetime) -> BeatBoundary:
    """Parse a boundary file (its format from its name or content) and make it the beat's.

    Raises `invalid_boundary` (as `detect_format` and `parse_boundary`)."""
    fmt = detect_format(name, text)
    return set_boundary(beat, parse_boundary(text, fmt), source=fmt, now=now)


def boundary_of(beat: Beat) -> MultiPolygon | None:
    """The beat's stored outline, or None when it has none."""
    row = db.session.get(BeatBoundary, beat.id)
    return shape(json.loads(row.geojson)) if row else None


def all_boundaries() -> list[tuple[int, MultiPolygon]]:
    """Every beat's outline with its id (to build the point-in-beat index)."""
    rows = db.session.execute(select(BeatBoundary.beat_id, BeatBoundary.geojson)).all()
    return [(beat_id, shape(json.loads(text))) for beat_id, text in rows]
