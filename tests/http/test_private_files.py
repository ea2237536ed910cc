"""Files the app keeps on disk are its own user's only; residents' addresses are keyed hashes (issue #11)."""
import hashlib
import os
import stat
from datetime import date

import pytest
from sqlalchemy import select, text

from pact import create_app
from pact.extensions import db
from pact.meetings.addresses import day_scope, hash_address, meeting_scope
from pact.models import Participant
from pact.services import services
from tests.helpers import call


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def sqlite_app(tmp_path):
    made = []

    def make(path, **config):
        app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{path}", **config})
        made.append(app)
        return app

    yield make
    for app in made:
        services(app).ticker.stop()
        with app.app_context():
            db.engine.dispose()


def test_a_new_sqlite_database_and_its_wal_are_0600(sqlite_app, tmp_path):
    old = os.umask(0o022)
    try:
        path = tmp_path / "new.sqlite3"
        app = sqlite_app(path)
        with app.app_context():
            with db.engine.begin() as conn:
                conn.execute(text("CREATE TABLE t (x int)"))
                conn.execute(text("INSERT INTO t VALUES (1)"))
            assert mode(path) == 0o600
            assert mode(f"{path}-wal") == 0o600
    finally:
        os.umask(old)


def test_an_existing_world_readable_database_is_made_private(sqlite_app, tmp_path):
    path = tmp_path / "old.sqlite3"
    path.touch()
    path.chmod(0o644)
    sqlite_app(path)
    assert mode(path) == 0o600


def test_the_instance_folder_and_development_secret_are_private(tmp_path, monkeypatch):
    import pact

    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)  # as `make run` left it before
    instance.chmod(0o755)
    monkeypatch.setattr(pact, "PROJECT_ROOT", tmp_path)
    old = os.umask(0o022)
    try:
        app = create_app({"TESTING": True})  # no database URL, no secret: both go in instance/
    finally:
        os.umask(old)
    try:
        assert mode(instance) == 0o700
        assert mode(instance / "secret_key") == 0o600
        assert mode(instance / "pact.sqlite3") == 0o600
    finally:
        services(app).ticker.stop()
        with app.app_context():
            db.engine.dispose()


def test_address_hashes_are_keyed_and_change_with_their_scope():
    day = day_scope(date(2026, 12, 1))
    one = hash_address("203.0.113.7", secret="s1", scope=day)
    assert one == hash_address("203.0.113.7", secret="s1", scope=day)
    assert one != hash_address("203.0.113.7", secret="s2", scope=day)  # no secret, no guessing
    assert one != hash_address("203.0.113.7", secret="s1", scope=day_scope(date(2026, 12, 2)))  # rotated daily
    assert hash_address("203.0.113.7", secret="s1", scope=meeting_scope(1)) != hash_address(
        "203.0.113.7", secret="s1", scope=meeting_scope(2))  # visits to two meetings do not link
    assert one != hash_address("203.0.113.8", secret="s1", scope=day)
    assert one not in hashlib.sha256(b"203.0.113.7").hexdigest()  # not the reversible unsalted SHA-256


def test_a_joining_residents_address_is_stored_keyed_and_forgotten_at_close(app, connect, meeting, staff_client):
    sock = connect()
    ack = call(sock, "join", {"meeting_id": meeting.id, "display_name": "Alice"})
    db.session.expire_all()
    stored = db.session.scalar(select(Participant.address_hash).where(Participant.id == ack["participant"]["id"]))
    assert stored == hash_address("127.0.0.1", secret=app.config["SECRET_KEY"], scope=meeting_scope(meeting.id))
    assert stored not in hashlib.sha256(b"127.0.0.1").hexdigest()
    issue = call(sock, "post_issue", {"text": "Bins on Mill Lane"})["issue"]
    officer = connect(staff_client)
    call(officer, "join", {"meeting_id": meeting.id})
    closed = call(officer, "close", {"priorities": [{"issue_id": issue["id"], "action": "Ask the council"}]})
    assert closed["ok"], closed
    db.session.expire_all()
    assert db.session.scalar(select(Participant.address_hash).where(Participant.id == ack["participant"]["id"])) is None
