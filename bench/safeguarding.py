"""Safeguarding benchmark: how much of the labelled corpus the checks hold, and what they cost.

    make bench-safeguarding            # every set but train/
    python -m bench.safeguarding --set heldout5 --misses

The corpus is bench/safeguarding_corpus/<set>/<category>.txt, one post a line. `dev` was written
with the rules; `heldout1` after the rules' first freeze (then used to improve them); `heldout2`
after their second freeze. `train` and `dev` trained the classifier (bench/train_safeguarding.py);
`heldout3`, `heldout4` and `heldout5` were each written after one freeze of it, and the first two
were then learnt from; `heldout5` never was: the honest figure. See docs/safeguarding.md. Prints
recall per category (held at all, and held with the right code), precision, the share of ordinary
posts held, milliseconds per post and the memory the checks add to a process; saves them as JSON
under bench/results/. A measurement, not a test: the regression sample is tests/domain/.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "safeguarding_corpus"
RESULTS = Path(__file__).resolve().parent / "results"
# Which hold codes count as "the right code" for each labelled category.
EXPECTED = {
    "emergency": {"emergency", "welfare"}, "welfare": {"welfare", "emergency"}, "accusation": {"accusation"},
    "phone_number": {"phone_number"}, "email_address": {"email_address"},
    "vehicle_registration": {"vehicle_registration"}, "street_address": {"street_address"}, "abuse": {"word_list"},
}
PERSONAL = ("phone_number", "email_address", "vehicle_registration", "street_address")
TARGETS = {"emergency": 0.95, "welfare": 0.95, "personal_data": 0.95, "accusation": 0.90, "ordinary_held_max": 0.05}


def load(set_name: str) -> list[tuple[str, str]]:
    """(category, text) for every post of one set; `\\u200b` written in a file stands for a zero-width space."""
    posts = []
    for path in sorted((CORPUS / set_name).glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                posts.append((path.stem, line.replace("\\u200b", "\u200b")))
    return posts


def policy():
    from pact.config import Defaults
    from pact.meetings.safeguarding import Policy
    return Policy.build(Defaults.SAFEGUARDING_WORDS)


def measure(set_name: str, show_misses: bool) -> dict:
    from pact.meetings.safeguarding import reasons
    rules, posts = policy(), load(set_name)
    results, timings = [], []
    for category, text in posts:
        started = time.perf_counter()
        codes = reasons(text, rules)
        timings.append((time.perf_counter() - started) * 1000)
        results.append((category, text, codes))
    report: dict = {"set": set_name, "posts": len(posts), "categories": {}}
    for category in sorted({c for c, _ in posts}):
        mine = [(t, codes) for c, t, codes in results if c == category]
        held = sum(1 for _, codes in mine if codes)
        if category == "ordinary":
            report["ordinary_held"] = round(held / len(mine), 3) if mine else None
            report["categories"][category] = {"posts": len(mine), "held": held}
            misses = [(t, codes) for t, codes in mine if codes]
        else:
            right = sum(1 for _, codes in mine if codes and codes[0] in EXPECTED[category])
            report["categories"][category] = {"posts": len(mine), "recall_held": round(held / len(mine), 3),
                                              "recall_code": round(right / len(mine), 3)}
            misses = [(t, codes) for t, codes in mine if not codes]
        if show_misses:
            for t, codes in misses:
                print(f"  [{category}] {'HELD ' + ','.join(codes) if codes else 'MISSED'}: {t}")
    personal = [(c, codes) for c, _, codes in results if c in PERSONAL]
    if personal:
        report["categories"]["personal_data"] = {
            "posts": len(personal), "recall_held": round(sum(1 for _, codes in personal if codes) / len(personal), 3),
            "recall_code": round(sum(1 for c, codes in personal if codes and c in codes) / len(personal), 3)}
    held = [(c, codes) for c, _, codes in results if codes]
    report["precision"] = round(sum(1 for c, _ in held if c != "ordinary") / len(held), 3) if held else None
    report["ms_per_post"] = {"mean": round(statistics.mean(timings), 3), "p50": round(statistics.median(timings), 3),
                             "p99": round(sorted(timings)[int(len(timings) * 0.99) - 1], 3),
                             "max": round(max(timings), 3)}
    return report


def memory() -> dict:
    """What the checks add to a server process that has already loaded the app (a fresh process):
    resident memory (KB, from /proc) and Python allocations still held (tracemalloc, KB), in all
    and for the classifier alone; and how long the classifier takes to load (ms, once per process)."""
    code = """
import time, tracemalloc
import pact.extensions, pact.models
def rss():
    return int(next(l for l in open('/proc/self/status') if l.startswith('VmRSS')).split()[1])
before = rss()
tracemalloc.start()
from pact.meetings.safeguarding import model, reasons
rules = rss()
started = time.perf_counter()
model.load()
load_ms = (time.perf_counter() - started) * 1000
loaded = rss()
for text in ('ring 07700 900123 AB12 CDE 14 Mill Lane', '+33 1 23 45 67 89 jo at example dot com', 'mae tan nawr'):
    reasons(text)
print(before, rss(), tracemalloc.get_traced_memory()[0] // 1024, loaded - rules, round(load_ms))
"""
    before, after, traced, model_kb, load_ms = map(
        int, subprocess.check_output([sys.executable, "-c", code], text=True).split())
    return {"rss_added_kb": after - before, "python_allocations_kb": traced, "model_rss_kb": model_kb,
            "model_load_ms": load_ms}


def print_report(report: dict) -> None:
    print(f"\n== {report['set']}: {report['posts']} posts ==")
    for category, figures in report["categories"].items():
        if category == "ordinary":
            print(f"  {'ordinary':22} {figures['posts']:4} posts, held {figures['held']} "
                  f"({report['ordinary_held']:.1%}; target <= {TARGETS['ordinary_held_max']:.0%})")
        else:
            target = TARGETS.get(category)
            print(f"  {category:22} {figures['posts']:4} posts, recall {figures['recall_held']:.1%} held, "
                  f"{figures['recall_code']:.1%} with its code" + (f" (target {target:.0%})" if target else ""))
    print(f"  precision {report['precision']:.1%}; ms per post mean {report['ms_per_post']['mean']}, "
          f"p50 {report['ms_per_post']['p50']}, p99 {report['ms_per_post']['p99']}, max {report['ms_per_post']['max']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    measured = sorted(path.name for path in CORPUS.iterdir() if path.is_dir() and path.name != "train")
    parser.add_argument("--set", choices=(*measured, "train", "all"), default="all",
                        help="all: every set but train (the classifier learnt it)")
    parser.add_argument("--misses", action="store_true", help="list every missed post and every ordinary post held")
    args = parser.parse_args()
    sets = measured if args.set == "all" else [args.set]
    from pact.meetings.safeguarding import model
    model.load()  # once per process, as in the server: not counted in the first post's time
    reports = [measure(name, args.misses) for name in sets]
    for report in reports:
        print_report(report)
    mem = memory()
    print(f"\n  memory added to a server process: {mem['rss_added_kb'] / 1024:.1f} MB resident "
          f"(the classifier {mem['model_rss_kb'] / 1024:.1f} MB, loaded once in {mem['model_load_ms']} ms), "
          f"{mem['python_allocations_kb'] / 1024:.1f} MB of Python objects")
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"safeguarding-{stamp}.json"
    out.write_text(json.dumps({"when": stamp, "targets": TARGETS, "memory": mem, "model": model.load().about,
                               "thresholds": dict(zip(model.load().classes, model.load().thresholds, strict=True)),
                               "sets": reports}, indent=2))
    print(f"  saved {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")


if __name__ == "__main__":
    main()
