"""Demo data for a first look: one clearly labelled beat, a demo officer and a live meeting."""
from __future__ import annotations

import secrets
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select

from pact import localtime
from pact.extensions import db
from pact.meetings.directory import create_beat, create_user, schedule_meeting
from pact.models import Beat, ModerationMode, Stage, User, utcnow
from pact.scheduling.operations import MeetingDetails, create_meeting

DEMO_SLUG = "demo-beat"
DEMO_EMAIL = "officer@demo.pact.invalid"


def credentials_path(instance: str) -> Path:
    """Where the demo officer's sign-in is written (`instance/demo-credentials.txt`), for `make run` to print."""
    return Path(instance) / "demo-credentials.txt"


def seed_demo(password: str | None = None, *, instance: str | None = None) -> dict[str, str] | None:
    """Create the demo data on an empty database; returns what to print, or None if not empty."""
    if db.session.scalar(select(Beat.id).limit(1)) is not None or db.session.scalar(select(User.id).limit(1)):
        return None
    password = password or secrets.token_urlsafe(9)
    beat = create_beat(DEMO_SLUG, "DEMO — Riverside North (sample data)", is_demo=True)
    create_user(DEMO_EMAIL, role="officer", password=password, display_name="PC Demo (demo officer)",
                beat_slugs=[DEMO_SLUG])
    now = utcnow().replace(second=0, microsecond=0)
    live = schedule_meeting(beat, "DEMO live PACT meeting — try it in two browser windows", now,
                            stage=Stage.LIVE, moderation=ModerationMode.OPEN)
    # The next one as staff would schedule it from the web: 7pm local time in four weeks, with a venue.
    next_start = datetime.combine(localtime.local(now).date() + timedelta(days=28), time(19, 0),
                                  tzinfo=localtime.zone()).astimezone(UTC)
    create_meeting(beat, MeetingDetails(
        title="DEMO next PACT meeting", starts_at=next_start, ends_at=next_start + timedelta(minutes=90),
        description="Sample data: a hybrid meeting. Come to the hall or join online from this page.",
        venue="DEMO Community Centre, 1 Sample Street"), user=None, now=now)
    db.session.commit()
    created = {"email": DEMO_EMAIL, "password": password, "meeting_id": str(live.id)}
    if instance is not None:  # kept beside the database so `make run` can remind you every time
        path = credentials_path(instance)
        path.write_text(
            "DEMO data (clearly labelled; PACT_DEMO=0 turns it off):\n"
            f"  live demo meeting: http://127.0.0.1:{{port}}/meetings/{live.id}  (open it in two browser windows)\n"
            f"  demo officer:      sign in at http://127.0.0.1:{{port}}/login as {DEMO_EMAIL}"
            f" with password {password}\n"
        )
        path.chmod(0o600)
    return created
