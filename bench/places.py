"""Find-your-beat benchmark: 10,000 point lookups against 500 beat polygons (target: under 1 s).

    make bench-places            (or: .venv/bin/python -m bench.places --beats 500 --lookups 10000)

Builds 500 irregular, non-overlapping beats (a 25 × 20 grid of jittered polygons with ~40 vertices
each, every fifth with a hole), indexes them with the same BeatIndex the app uses (shapely STRtree
over the boundaries), then times lookups of random points, inside and outside. Prints the figures
and saves them as JSON under bench/results/.
"""
from __future__ import annotations

import argparse
import json
import math
import random
import time
from datetime import UTC, datetime
from pathlib import Path

from shapely.geometry import MultiPolygon, Polygon

from pact.places.lookup import BeatIndex

RESULTS = Path(__file__).resolve().parent / "results"


def make_beats(count: int, rng: random.Random) -> list[tuple[int, MultiPolygon]]:
    columns = math.ceil(math.sqrt(count * 1.25))
    cell = 0.02  # degrees: about 1.3 km × 2.2 km at 53° N, a neighbourhood
    beats = []
    for n in range(count):
        cx = -2.0 + (n % columns) * cell + cell / 2
        cy = 53.0 + (n // columns) * cell + cell / 2
        ring = []
        for k in range(40):
            angle = 2 * math.pi * k / 40
            radius = cell * 0.5 * rng.uniform(0.7, 0.98)
            ring.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
        holes = [[(cx + cell * 0.1 * math.cos(a), cy + cell * 0.1 * math.sin(a))
                  for a in (2 * math.pi * k / 12 for k in range(12))]] if n % 5 == 0 else []
        beats.append((n + 1, MultiPolygon([Polygon(ring, holes)])))
    return beats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--beats", type=int, default=500)
    parser.add_argument("--lookups", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    beats = make_beats(args.beats, rng)
    started = time.perf_counter()
    index = BeatIndex.build(beats)
    build_s = time.perf_counter() - started
    min_x = min(b.bounds[0] for _, b in beats)
    min_y = min(b.bounds[1] for _, b in beats)
    max_x = max(b.bounds[2] for _, b in beats)
    max_y = max(b.bounds[3] for _, b in beats)
    points = [(rng.uniform(min_y, max_y), rng.uniform(min_x, max_x)) for _ in range(args.lookups)]
    started = time.perf_counter()
    found = sum(index.beat_at(lat, lng) is not None for lat, lng in points)
    lookup_s = time.perf_counter() - started
    # The same points against every polygon in turn (no index), for scale.
    sample = points[: min(1000, len(points))]
    started = time.perf_counter()
    for lat, lng in sample:
        from shapely.geometry import Point

        point = Point(lng, lat)
        next((beat_id for beat_id, area in beats if area.covers(point)), None)
    naive_s = (time.perf_counter() - started) * len(points) / len(sample)
    figures = {
        "beats": args.beats, "lookups": args.lookups, "inside_a_beat": found,
        "index_build_s": round(build_s, 4), "lookups_s": round(lookup_s, 4),
        "per_lookup_us": round(lookup_s / args.lookups * 1e6, 1),
        "without_index_s_estimated": round(naive_s, 2), "target_s": 1.0, "met": lookup_s < 1.0,
    }
    for key, value in figures.items():
        print(f"{key:>26}: {value}")
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"places-{stamp}.json").write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
