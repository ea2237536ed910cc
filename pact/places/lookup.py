"""Which beat holds a point: a spatial index (shapely's STRtree) over every beat's boundary.

The index is built once per process and rebuilt when a boundary is imported (the newest
`imported_at` and the count say so), so a lookup costs a tree query and a few exact tests, not a
pass over every polygon. A point exactly on a boundary belongs to a beat (`covers`, not
`contains`); where two beats share that edge, the one imported first wins, the same every time.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

from shapely import STRtree, prepare
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from sqlalchemy import func, select

from pact.extensions import db
from pact.models import BeatBoundary
from pact.places.boundaries import all_boundaries


@dataclass
class BeatIndex:
    """Beat ids and their shapes, with a tree over their bounding boxes."""

    beat_ids: list[int]
    shapes: list[BaseGeometry]
    tree: STRtree

    @classmethod
    def build(cls, boundaries: list[tuple[int, BaseGeometry]]) -> BeatIndex:
        """An index over these outlines, each prepared once so a point test is logarithmic."""
        boundaries = sorted(boundaries, key=lambda pair: pair[0])
        shapes = [s for _, s in boundaries]
        prepare(shapes)  # each beat's edges indexed once, so a point test is logarithmic, not linear
        return cls([b for b, _ in boundaries], shapes, STRtree(shapes))

    def beat_at(self, lat: float, lng: float) -> int | None:
        """The id of the beat covering the point, or None outside every beat."""
        point = Point(lng, lat)
        for i in sorted(int(i) for i in self.tree.query(point)):  # beats whose bounding box holds it
            if self.shapes[i].covers(point):
                return self.beat_ids[i]
        return None


_lock = threading.Lock()
_cached: dict[str, tuple[object, BeatIndex]] = {}


def current_index() -> BeatIndex:
    """This process's index for the bound database, rebuilt when boundaries changed."""
    version = db.session.execute(select(func.count(), func.max(BeatBoundary.imported_at))).one()
    key = str(db.engine.url)
    with _lock:
        cached = _cached.get(key)
        if cached is not None and cached[0] == tuple(version):
            return cached[1]
    index = BeatIndex.build(all_boundaries())
    with _lock:
        _cached[key] = (tuple(version), index)
    return index


def beat_id_at(lat: float, lng: float) -> int | None:
    """The id of the beat covering this point (the process's current index), or None."""
    return current_index().beat_at(lat, lng)
