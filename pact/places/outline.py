"""A beat's boundary drawn as a small SVG outline: data in, text out, no map tiles from anywhere.

Longitude is scaled by the cosine of the middle latitude, so the shape is not stretched sideways
(an equirectangular view is exact enough at the size of a neighbourhood)."""
from __future__ import annotations

import math
from xml.sax.saxutils import escape

from shapely.geometry import MultiPolygon

SIZE = 240  # the longer side, in SVG units
PAD = 6


def outline_svg(area: MultiPolygon, *, label: str) -> str:
    """An `<svg>` with one path (holes cut out by the even-odd rule), titled for screen readers."""
    min_lng, min_lat, max_lng, max_lat = area.bounds
    squeeze = math.cos(math.radians((min_lat + max_lat) / 2))
    width, height = (max_lng - min_lng) * squeeze or 1e-9, (max_lat - min_lat) or 1e-9
    scale = (SIZE - 2 * PAD) / max(width, height)
    w, h = round(width * scale + 2 * PAD), round(height * scale + 2 * PAD)

    def xy(lng: float, lat: float) -> str:
        return f"{(lng - min_lng) * squeeze * scale + PAD:.1f},{(max_lat - lat) * scale + PAD:.1f}"

    parts = []
    for polygon in area.geoms:
        for ring in (polygon.exterior, *polygon.interiors):
            points = [xy(lng, lat) for lng, lat in ring.coords]
            parts.append("M" + " L".join(points) + " Z")
    title = escape(label)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
            f'role="img" aria-labelledby="outline-title" class="beat-outline">'
            f'<title id="outline-title">{title}</title>'
            f'<path d="{" ".join(parts)}" fill-rule="evenodd" fill="currentColor" fill-opacity="0.12" '
            f'stroke="currentColor" stroke-width="2" stroke-linejoin="round"/></svg>')
