"""How good and how cheap are near-duplicate suggestions? (`make bench-duplicates`)

1. Precision and recall of `pact.meetings.duplicates.similarity` on the labelled pairs in
   bench/duplicates_pairs.py, at the threshold the room uses and at nearby ones.
2. The cost of one `similar_issues` call in a meeting of N public issues, on a fresh SQLite
   database, median and p95 over many calls: as the live server makes it per `suggest` (with the
   snapshot cache's version token, so no query while the room's public issues are unchanged), and
   the first call after a change (the token moved: one aggregate query and a re-read of the texts).
   Wall-clock times, and the calling thread's CPU time (what the call costs the server, without
   the waits for a core that a shared machine adds).
Prints JSON lines and writes them to bench/results/duplicates-<UTC time>.json.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.duplicates_pairs import PAIRS  # noqa: E402


def quality(threshold: float) -> dict:
    from pact.meetings.duplicates import similarity

    tp = fp = fn = tn = 0
    misses = []
    for a, b, same in PAIRS:
        said = similarity(a, b) >= threshold
        tp, fp = tp + (said and same), fp + (said and not same)
        fn, tn = fn + (same and not said), tn + (not same and not said)
        if said != same:
            misses.append({"a": a, "b": b, "same": same, "score": round(similarity(a, b), 1)})
    return {"threshold": threshold, "pairs": len(PAIRS), "true_positive": tp, "false_positive": fp,
            "false_negative": fn, "true_negative": tn,
            "precision": round(tp / (tp + fp), 3) if tp + fp else None,
            "recall": round(tp / (tp + fn), 3) if tp + fn else None, "wrong": misses}


def cost(issues: int, calls: int) -> dict:
    from pact import create_app
    from pact.extensions import db
    from pact.meetings import duplicates
    from pact.meetings.directory import create_beat
    from pact.models import Issue, Meeting, Participant, ParticipantRole, Stage, Visibility, utcnow

    places = ["Mill Lane", "the park", "the high street", "Church Street", "the station", "Kings Road", "the canal",
              "the Oakfield estate", "the school", "the market", "Elm Avenue", "the library"]
    problems = ["speeding", "litter", "parking on the pavement", "graffiti", "noise at night", "fly-tipping",
                "potholes", "drug dealing", "dog fouling", "youths gathering", "bike theft", "broken street lights"]
    rng = random.Random(13)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/dup.sqlite3"
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True})
        with app.app_context():
            db.create_all()
            beat = create_beat("bench", "Bench")
            meeting = Meeting(beat=beat, title="Bench", starts_at=utcnow(), stage=Stage.LIVE)
            author = Participant(meeting=meeting, display_name="Author", role=ParticipantRole.RESIDENT, token_hash="x")
            db.session.add_all([meeting, author])
            db.session.flush()
            db.session.add_all([Issue(meeting=meeting, author=author, visibility=Visibility.PUBLIC,
                                      text=f"{rng.choice(problems).capitalize()} on {rng.choice(places)} "
                                           f"(report {n}, {rng.choice(['again', 'every night', 'at weekends', ''])})")
                                for n in range(issues)])
            db.session.commit()
            drafts = [f"{rng.choice(problems)} near {rng.choice(places)} is getting worse" for _ in range(calls)]
            token = (0, 0, 1)  # what SnapshotCache.public_version returns while nothing public changes
            duplicates.similar_issues(meeting, drafts[0], token=token)  # warm: a room's texts are read once
            steady, steady_cpu, changed, changed_cpu = [], [], [], []
            for n, draft in enumerate(drafts):
                start, cpu = time.perf_counter(), time.thread_time()
                duplicates.similar_issues(meeting, draft, token=token)
                steady.append((time.perf_counter() - start) * 1000)
                steady_cpu.append((time.thread_time() - cpu) * 1000)
                db.session.add(Issue(meeting=meeting, author=author, visibility=Visibility.PUBLIC,
                                     text=f"{rng.choice(problems).capitalize()} on {rng.choice(places)} (new {n})"))
                db.session.commit()
                token = (0, 0, token[2] + 1)  # the post's event moved the snapshot cache's version
                start, cpu = time.perf_counter(), time.thread_time()
                duplicates.similar_issues(meeting, draft, token=token)
                changed.append((time.perf_counter() - start) * 1000)
                changed_cpu.append((time.thread_time() - cpu) * 1000)
    return {"issues": issues, "calls": calls, **_spread("", steady), **_spread("cpu_", steady_cpu),
            **_spread("after_change_", changed), **_spread("after_change_cpu_", changed_cpu)}


def _spread(prefix: str, times: list[float]) -> dict:
    times = sorted(times)
    return {f"{prefix}median_ms": round(statistics.median(times), 2),
            f"{prefix}p95_ms": round(times[int(len(times) * 0.95) - 1], 2), f"{prefix}max_ms": round(times[-1], 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    from pact.meetings.duplicates import SUGGEST_THRESHOLD

    results = [quality(t) for t in (SUGGEST_THRESHOLD - 10, SUGGEST_THRESHOLD - 5, SUGGEST_THRESHOLD,
                                    SUGGEST_THRESHOLD + 5, SUGGEST_THRESHOLD + 10)]
    results.append(cost(args.issues, args.calls))
    for row in results:
        print(json.dumps({k: v for k, v in row.items() if k != "wrong"}), flush=True)
    chosen = next(r for r in results if r.get("threshold") == SUGGEST_THRESHOLD)
    out = ROOT / "bench" / "results" / f"duplicates-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
    out.write_text(json.dumps({"pairs": len(PAIRS), "results": results}, indent=2) + "\n", encoding="utf-8")
    print(f"written to {out.relative_to(ROOT)}; at threshold {SUGGEST_THRESHOLD}: precision {chosen['precision']},"
          f" recall {chosen['recall']}; {results[-1]['p95_ms']} ms p95 at {args.issues} issues"
          f" ({results[-1]['after_change_p95_ms']} ms p95 for the first call after a change)")
    return 0 if results[-1]["p95_ms"] < 5 else 1


if __name__ == "__main__":
    sys.exit(main())
