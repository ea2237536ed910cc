"""The command line in CONTRACT.md, through Flask's CLI runner."""
from sqlalchemy import select

from pact.extensions import db
from pact.models import Beat, Meeting, User


def run(app, *args, env=None):
    return app.test_cli_runner().invoke(args=list(args), env=env or {})


def test_create_beat_user_and_meeting(app):
    result = run(app, "beats", "create", "riverside-north", "--name", "Riverside North")
    assert result.exit_code == 0, result.output
    result = run(app, "users", "create", "pc@example.org", "--role", "officer", "--beat", "riverside-north",
                 env={"PACT_PASSWORD": "a long enough password"})
    assert result.exit_code == 0, result.output
    result = run(app, "meetings", "create", "riverside-north", "--title", "December PACT", "--starts", "2030-12-01T19:00")
    assert result.exit_code == 0, result.output
    meeting_id = int(result.output.strip().splitlines()[-1])
    meeting = db.session.get(Meeting, meeting_id)
    assert meeting.title == "December PACT" and meeting.beat.slug == "riverside-north"
    user = db.session.scalar(select(User).where(User.email == "pc@example.org"))
    assert user.check_password("a long enough password") and [b.slug for b in user.beats] == ["riverside-north"]


def test_password_option_wins(app, beat):
    result = run(app, "users", "create", "insp@example.org", "--role", "inspector", "--password", "another long one")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.email == "insp@example.org")).check_password("another long one")


def test_refusals_are_clear_and_change_nothing(app, beat):
    assert "already exists" in run(app, "beats", "create", beat.slug, "--name", "Again").output
    assert "lower-case" in run(app, "beats", "create", "Bad Slug!", "--name", "X").output
    assert "at least 10" in run(app, "users", "create", "a@example.org", "--role", "officer", "--password", "short").output
    assert "does not exist" in run(app, "users", "create", "b@example.org", "--role", "officer", "--beat", "nowhere",
                                   "--password", "long enough pass").output
    assert "does not exist" in run(app, "meetings", "create", "nowhere", "--title", "T", "--starts", "2030-12-01T19:00").output
    bad_date = run(app, "meetings", "create", beat.slug, "--title", "T", "--starts", "next tuesday")
    assert bad_date.exit_code != 0 and "2026-12-01T19:00" in bad_date.output
    assert db.session.scalar(select(User.id)) is None
    assert len(db.session.scalars(select(Beat)).all()) == 1
    assert db.session.scalar(select(Meeting.id)) is None
