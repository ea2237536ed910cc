"""How fast is the evidence page at scale? 50 beats × two years of meetings on PostgreSQL.

A script, not a test (`make bench-evidence`, options: `--help`). It rebuilds the schema of its own
database (default `pact_evidence`; never point it at data you want to keep), generates beats with
fortnightly meetings over two years (by default 50 × 50 = 2,500 meetings, 200 residents each =
500,000 participants, with regulars who come back, issues, answers, votes, priorities with
progress, pulse answers and watchers). The generated meetings are written as closed rows, not
closed through the app, so their figures are then stored as `flask evidence-refresh` would
(`backfill`, timed). Then it times `GET /inspector/evidence` for an admin over every beat (the page
the issue asks to answer in under 1 s), for one beat, and for every beat over one quarter, and
`/export/evidence.csv`: `cold` is the first request of a new app (new connection pool, templates
not yet compiled; PostgreSQL's own cache stays warm), then the median of `--runs` warm requests.
Prints the figures and saves them as JSON under bench/results/.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/pact_evidence"
START = datetime(2024, 12, 3, 19, 0, tzinfo=UTC)
BANDS = ["16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"]
HOLDS = ["phone_number", "street_address", "word_list", "emergency"]


def copy(cur, table: str, columns: list[str], rows) -> int:
    """COPY rows (tuples) into a table; returns how many."""
    n = 0
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as out:
        for row in rows:
            out.write_row(row)
            n += 1
    return n


def generate(conn, *, beats: int, meetings_per_beat: int, residents: int, seed: int = 7) -> dict[str, int]:
    rng = random.Random(seed)
    counts: dict[str, int] = {}
    ts = START.replace(tzinfo=None)
    with conn.cursor() as cur:
        counts["beats"] = copy(cur, "beats", ["id", "slug", "name", "is_demo", "created_at"],
                               ((b, f"beat-{b:02d}", f"Beat {b:02d}", False, ts) for b in range(1, beats + 1)))
        meetings = []
        for b in range(1, beats + 1):
            for k in range(meetings_per_beat):
                mid = len(meetings) + 1
                starts = ts + timedelta(days=14 * k, hours=b % 3)
                meetings.append((mid, b, starts))
        counts["meetings"] = copy(cur, "meetings", [
            "id", "beat_id", "title", "starts_at", "stage", "moderation", "votes_per_resident", "peak_watching",
            "opened_at", "voting_at", "closed_at", "created_at"],
            ((mid, b, f"PACT {starts:%B %Y}", starts, "closed", "open", 3, residents + rng.randint(0, residents),
              starts, starts + timedelta(minutes=45), starts + timedelta(minutes=60), starts)
             for mid, b, starts in meetings))
        participant_rows, issue_rows, answer_rows, vote_rows, pulse_rows, viewer_rows = [], [], [], [], [], []
        priority_rows, progress_rows = [], []
        pid = iid = vid = prid = 0
        for mid, b, starts in meetings:
            regulars = rng.sample(range(150), residents // 4)
            others = rng.sample(range(150, 6000), residents - len(regulars))
            people = []
            for n in regulars + others:
                pid += 1
                device = f"{b:03d}-{n:060d}"
                participant_rows.append((pid, mid, f"Resident {pid}", "resident", f"{pid:064x}", device, True and None,
                                         False, False, 1, starts, starts,
                                         rng.choice(BANDS) if rng.random() < 0.4 else None,
                                         f"LS{b % 30}" if rng.random() < 0.3 else None))
                people.append(pid)
            for n in range(residents // 2):
                viewer_rows.append((mid, f"{b:03d}-{6000 + n + rng.randint(0, 3000):060d}", starts))
            for n in range(10):
                iid += 1
                author = rng.choice(people)
                posted = starts + timedelta(minutes=rng.randint(0, 40))
                hold = rng.choice(HOLDS) if n == 9 else None
                visibility = "hidden" if n == 8 else "public"
                issue_rows.append((iid, mid, author, f"Issue {iid}", "other", visibility, hold, False, posted))
                if n < 6:
                    answer_rows.append((iid, None, "PC Bench", "Answer", posted + timedelta(minutes=rng.randint(1, 30)),
                                        posted + timedelta(minutes=30)))
                if n < 3:
                    prid += 1
                    review = (starts + timedelta(days=28)).date()
                    status = rng.choice(["done", "done", "carried_over", "open"])
                    priority_rows.append((prid, mid, iid, n + 1, f"Issue {iid}", 10, "Action", None, review, status,
                                          starts + timedelta(minutes=60)))
                    if status == "done":
                        progress_rows.append((prid, None, "PC Bench", "done", "Done",
                                              starts + timedelta(days=rng.randint(7, 40))))
                for voter in rng.sample(people, 3):
                    if voter != author:
                        vid += 1
                        vote_rows.append((vid, iid, voter, "support", posted))
            for voter in rng.sample(people, residents // 10):
                pulse_rows.append((mid, voter, rng.randint(1, 5), rng.choice([None, 1, 2, 3, 4, 5]), starts, starts))
        counts["participants"] = copy(cur, "participants", [
            "id", "meeting_id", "display_name", "role", "token_hash", "device_hash", "address_hash", "muted", "removed",
            "joins", "created_at", "last_seen_at", "age_band", "postcode_district"], participant_rows)
        counts["meeting_viewers"] = copy(cur, "meeting_viewers", ["meeting_id", "device_hash", "first_seen_at"],
                                         {(r[0], r[1]): r for r in viewer_rows}.values())
        counts["issues"] = copy(cur, "issues", ["id", "meeting_id", "participant_id", "text", "category", "visibility",
                                                "hold_reason", "shortlisted", "created_at"], issue_rows)
        counts["answers"] = copy(cur, "answers", ["issue_id", "user_id", "by_name", "text", "created_at", "updated_at"],
                                 answer_rows)
        counts["votes"] = copy(cur, "votes", ["id", "issue_id", "participant_id", "kind", "created_at"], vote_rows)
        counts["priorities"] = copy(cur, "priorities", ["id", "meeting_id", "issue_id", "position", "text", "votes",
                                                        "action", "owner", "review_on", "status", "agreed_at"],
                                    priority_rows)
        counts["progress_updates"] = copy(cur, "progress_updates", ["priority_id", "user_id", "by_name", "status",
                                                                    "note", "created_at"], progress_rows)
        counts["pulse_answers"] = copy(cur, "pulse_answers", ["meeting_id", "participant_id", "listened", "confidence",
                                                              "created_at", "updated_at"], pulse_rows)
        for table in ("beats", "meetings", "participants", "issues", "votes", "priorities"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    conn.commit()
    with conn.cursor() as cur:
        cur.execute("ANALYZE")
    conn.commit()
    return counts


def _create_database(url: str) -> None:
    """The bench's own database, created when missing (a fresh machine has only `postgres`)."""
    import psycopg

    base, name = url.replace("postgresql+psycopg", "postgresql").rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')


def timed(fn, runs: int) -> dict[str, float]:
    started = time.perf_counter()
    fn()  # the first call warms connections, templates and caches
    first = time.perf_counter() - started
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    # On a shared machine wall time includes waiting for a core; CPU time is this process's own work
    # (PostgreSQL's is on top, in its own processes).
    return {"first_s": round(first, 3), "median_s": round(statistics.median(times), 3), "max_s": round(max(times), 3),
            "cpu_median_s": round(statistics.median(cpu), 3), "runs": runs}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--beats", type=int, default=50)
    parser.add_argument("--meetings-per-beat", type=int, default=50)
    parser.add_argument("--residents", type=int, default=200, help="residents per meeting")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="reuse the data already generated")
    args = parser.parse_args()

    import psycopg
    from flask_migrate import upgrade
    from sqlalchemy import text

    from pact import create_app
    from pact.evidence.attendance import closed_to_count, store_figures
    from pact.evidence.report import evidence_report
    from pact.extensions import db
    from pact.meetings.directory import create_user
    from pact.meetings.reporting import Filters, visible_beats
    from pact.models import Beat, User
    from tests.helpers import TEST_PASSWORD, sign_in

    _create_database(args.database_url)
    config = {"DATABASE_URL": args.database_url, "SECRET_KEY": "bench", "DEMO": False, "TESTING": True,
              "WTF_CSRF_ENABLED": True}
    app = create_app(config)
    counts: dict[str, int] = {}
    with app.app_context():
        if not args.keep:
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            upgrade()
            raw = psycopg.connect(args.database_url.replace("postgresql+psycopg", "postgresql"))
            started = time.perf_counter()
            counts = generate(raw, beats=args.beats, meetings_per_beat=args.meetings_per_beat, residents=args.residents)
            raw.close()
            print(f"generated {counts} in {time.perf_counter() - started:.1f} s", flush=True)
            create_user("bench-admin@example.org", role="admin", password=TEST_PASSWORD, display_name="Bench Admin")
            db.session.commit()
        else:
            upgrade()  # the kept data, migrated to this code's schema
        admin = db.session.scalar(db.select(User).where(User.email == "bench-admin@example.org"))
        started, stored = time.perf_counter(), 0
        for chunk in closed_to_count():  # what `flask evidence-refresh` does
            store_figures(chunk)
            db.session.commit()
            stored += len(chunk)
        backfill = {"meetings": stored, "s": round(time.perf_counter() - started, 2)}
        print(f"stored the figures of {stored} meetings in {backfill['s']} s", flush=True)

        def report_all():
            evidence_report(Filters(visible_beats(admin), None, None), today=date(2026, 12, 1), partners={})
            db.session.commit()

        domain = timed(report_all, args.runs)
        one_beat = db.session.scalar(db.select(Beat.slug).order_by(Beat.id).limit(1))

    def page(path):
        """Cold: a new app's first request; warm: the median of more on the same client."""
        fresh = create_app(config)
        client = fresh.test_client()
        assert sign_in(client, "bench-admin@example.org").status_code == 302

        def fetch():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        result = timed(fetch, args.runs)
        result["cold_s"] = result.pop("first_s")
        with fresh.app_context():
            db.engine.dispose()
        return result

    results = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"), "database": "postgresql",
        "load_average_1m": round(os.getloadavg()[0], 2), "cpus": os.cpu_count(),
        "size": {"beats": args.beats, "meetings_per_beat": args.meetings_per_beat,
                 "residents_per_meeting": args.residents,
                 **counts},
        "backfill": backfill,
        "domain_report_all_beats": domain,
        "page_all_beats": page("/inspector/evidence"),
        "page_one_beat": page(f"/inspector/evidence?beat={one_beat}"),
        "page_one_quarter": page("/inspector/evidence?from=2026-07-01&to=2026-09-30"),
        "page_one_beat_one_quarter": page(f"/inspector/evidence?beat={one_beat}&from=2026-07-01&to=2026-09-30"),
        "csv_all_beats": page("/export/evidence.csv"),
    }
    print(json.dumps(results, indent=2))
    out = ROOT / "bench" / "results" / f"evidence-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"saved {out.relative_to(ROOT)}")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return 0 if results["page_all_beats"]["median_s"] < 1 else 1


if __name__ == "__main__":
    sys.exit(main())
