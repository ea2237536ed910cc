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


def test_meetings_create_reads_local_time_takes_an_end_and_refuses_the_past(app, beat):
    result = run(app, "meetings", "create", beat.slug, "--title", "July PACT", "--starts", "2030-07-02T19:00",
                 "--ends", "2030-07-02T20:30", "--venue", "St Mary's Hall", "--stream", "https://youtu.be/dQw4w9WgXcQ")
    assert result.exit_code == 0, result.output
    assert "Tuesday 2 July 2030, 7pm to 8:30pm" in result.output
    meeting = db.session.get(Meeting, int(result.output.strip().splitlines()[-1]))
    assert meeting.starts_at.isoformat() == "2030-07-02T18:00:00+00:00"  # 7pm BST, whatever the server's zone
    assert meeting.ends_at.isoformat() == "2030-07-02T19:30:00+00:00" and meeting.venue == "St Mary's Hall"
    past = run(app, "meetings", "create", beat.slug, "--title", "T", "--starts", "2020-01-07T19:00")
    assert past.exit_code != 0 and "already passed" in past.output
    backwards = run(app, "meetings", "create", beat.slug, "--title", "T", "--starts", "2030-07-02T19:00",
                    "--ends", "2030-07-02T18:00")
    assert backwards.exit_code != 0 and "end after it starts" in backwards.output
    gap = run(app, "meetings", "create", beat.slug, "--title", "T", "--starts", "2030-03-31T01:30")
    assert gap.exit_code != 0 and "clocks" in gap.output
    assert len(db.session.scalars(select(Meeting)).all()) == 1


def test_users_update_changes_role_and_beats(app, beat, make_beat, make_user):
    from pact.models import AuditEntry, Role

    make_beat("hillside", "Hillside")
    make_user("sgt@example.org", "officer", [beat])
    result = run(app, "users", "update", "SGT@example.org", "--role", "inspector", "--beat", "riverside", "--beat", "hillside")
    assert result.exit_code == 0, result.output
    assert "role officer → inspector" in result.output and "beats riverside → hillside, riverside" in result.output
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "sgt@example.org"))
    assert user.role is Role.INSPECTOR and sorted(b.slug for b in user.beats) == ["hillside", "riverside"]
    assert [e.action for e in db.session.scalars(select(AuditEntry))] == ["update_user", "update_user"]
    assert "Nothing changed" in run(app, "users", "update", "sgt@example.org", "--role", "inspector").output
    assert run(app, "users", "update", "sgt@example.org", "--no-beats").exit_code == 0
    db.session.expire_all()
    assert db.session.scalar(select(User).where(User.email == "sgt@example.org")).beats == []
    missing = run(app, "users", "update", "nobody@example.org", "--role", "admin")
    assert missing.exit_code != 0 and "no staff account" in missing.output
    bad_beat = run(app, "users", "update", "sgt@example.org", "--beat", "nowhere")
    assert bad_beat.exit_code != 0 and "does not exist" in bad_beat.output
