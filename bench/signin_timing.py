"""How long a failed staff sign-in takes for a real account, an unknown e-mail and a deactivated one.

Issue #11 found 123 ms against 5 ms: the time told which staff e-mails exist. With the dummy hash
(pact/auth/sessions.py) the three should take about as long. Runs the real app (Flask test client)
on a throwaway SQLite file; rate limits are off so every attempt is checked.

    .venv/bin/python -m bench.signin_timing [--attempts 15]

Prints the medians and writes bench/results/signin-timing-<time>.json.
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from pact import create_app
from pact.extensions import db
from pact.meetings.directory import create_user
from pact.services import services

RESULTS = Path(__file__).resolve().parent / "results"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def measure(attempts: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"TESTING": False, "SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
                          "RATE_LIMITS": False, "DEMO": False})
        try:
            with app.app_context():
                db.create_all()
                create_user("real@example.org", role="officer", password="a long real password", beat_slugs=[])
                gone = create_user("gone@example.org", role="officer", password="a long real password", beat_slugs=[])
                gone.active = False
                db.session.commit()
            client = app.test_client()
            token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
            timings: dict[str, list[float]] = {"real account": [], "unknown e-mail": [], "deactivated account": []}
            emails = {"real account": "real@example.org", "unknown e-mail": "nobody@example.org",
                      "deactivated account": "gone@example.org"}
            for _ in range(attempts):
                for label, email in emails.items():
                    start = time.perf_counter()
                    response = client.post("/login", data={"email": email, "password": "wrong guess",
                                                           "csrf_token": token})
                    timings[label].append((time.perf_counter() - start) * 1000)
                    assert response.status_code == 401, response.status_code
            return {label: round(statistics.median(ms), 1) for label, ms in timings.items()}
        finally:
            services(app).ticker.stop()
            with app.app_context():
                db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=15)
    args = parser.parse_args()
    medians = measure(args.attempts)
    for label, ms in medians.items():
        print(f"{label:>20}: median {ms:6.1f} ms over {args.attempts} failed sign-ins")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"signin-timing-{stamp}.json"
    out.write_text(json.dumps({"attempts": args.attempts, "median_ms": medians}, indent=2) + "\n")
    print(f"saved {out.relative_to(RESULTS.parent.parent)}")


if __name__ == "__main__":
    main()
