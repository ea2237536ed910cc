"""Fixtures layered like the code: database → domain → HTTP client → Socket.IO client → real server.

The database is real: a SQLite file by default, or PostgreSQL when PACT_TEST_DATABASE_URL is set
(CI runs the suite both ways). The schema comes from the migrations, once per session; each test
starts from empty tables.
"""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from pact import create_app
from pact.extensions import db, socketio
from pact.models import ModerationMode, Stage, utcnow
from tests.helpers import TEST_PASSWORD, call, fresh_app, received, sign_in


def pytest_configure(config):
    os.environ.setdefault("PACT_DEMO", "0")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("PACT_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def migrated(database_url):
    """Bring the test database's schema up to date with the real migrations, once."""
    from flask_migrate import upgrade

    app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        db.session.remove()
        db.engine.dispose()
    return database_url


@pytest.fixture
def app_config(migrated) -> dict:
    """Override per test module with `@pytest.fixture def app_config(app_config): …`."""
    return {"TESTING": True, "DATABASE_URL": migrated, "SECRET_KEY": "test-secret", "TALLY_INTERVAL": 0.05,
            "RATE_LIMITS": True}


@pytest.fixture
def app(app_config):
    """The app under test. Tests never keep its context pushed: Flask would then reuse that context
    (its `g` and database session) for every request, which no real client ever sees."""
    with fresh_app(app_config) as app:
        yield app


@pytest.fixture
def app_context(app):
    """Domain tests: services run in the app's own transactional session (no requests are made)."""
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def observer(app_config):
    """Adapter tests: a separate, autocommit connection to the same database, through which the test
    sets up data and checks what the server saved, as an outside observer would. Call
    `db.session.expire_all()` before re-reading an object the server may have changed."""
    from flask import Flask

    obs = Flask("observer")
    obs.config.update(
        SQLALCHEMY_DATABASE_URI=app_config["DATABASE_URL"],
        SQLALCHEMY_ENGINE_OPTIONS={"isolation_level": "AUTOCOMMIT"},
    )
    db.init_app(obs)
    with obs.app_context():
        yield obs
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


# --- data --------------------------------------------------------------------------------------

@pytest.fixture
def make_beat(app):
    from pact.meetings.directory import create_beat

    def make(slug="riverside", name="Riverside"):
        beat = create_beat(slug, name)
        db.session.commit()
        return beat

    return make


@pytest.fixture
def beat(make_beat):
    return make_beat()


@pytest.fixture
def make_user(app):
    from pact.meetings.directory import create_user

    def make(email="officer@example.org", role="officer", beats=(), name=None):
        user = create_user(email, role=role, password=TEST_PASSWORD, display_name=name, beat_slugs=[b.slug for b in beats])
        db.session.commit()
        return user

    return make


@pytest.fixture
def officer(make_user, beat):
    return make_user("pc.jones@example.org", "officer", [beat], name="PC Jones")


@pytest.fixture
def make_meeting(app, beat):
    from pact.meetings.directory import schedule_meeting

    def make(stage=Stage.LIVE, on_beat=None, title="Riverside PACT", moderation=ModerationMode.OPEN, votes=3):
        meeting = schedule_meeting(on_beat or beat, title, utcnow() - timedelta(minutes=5), stage=stage,
                                   moderation=moderation, votes_per_resident=votes)
        db.session.commit()
        return meeting

    return make


@pytest.fixture
def meeting(make_meeting):
    return make_meeting()


# --- HTTP and Socket.IO clients -----------------------------------------------------------------

@pytest.fixture
def staff_client(app, officer):
    """A Flask test client signed in as the beat's officer."""
    client = app.test_client()
    response = sign_in(client, officer.email)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture
def connect(app):
    """Open a Socket.IO test client on /meeting; pass an HTTP client to share its cookies."""
    opened = []

    def make(http_client=None):
        sock = socketio.test_client(app, namespace="/meeting", flask_test_client=http_client or app.test_client())
        assert sock.is_connected("/meeting")
        opened.append(sock)
        return sock

    yield make
    for sock in opened:
        if sock.is_connected("/meeting"):
            sock.disconnect("/meeting")


@pytest.fixture
def resident(app, connect, meeting):
    """A joined resident: (socket, join ack). Without `http_client`, a browser of its own that
    opened the room page first (so it has the device cookie, as every real browser does)."""

    def make(name="Alice", target=None, http_client=None):
        if http_client is None:
            http_client = app.test_client()
            http_client.get(f"/meetings/{(target or meeting).id}")
        sock = connect(http_client)
        ack = call(sock, "join", {"meeting_id": (target or meeting).id, "display_name": name})
        assert ack["ok"], ack
        received(sock)  # drop the join-time state
        return sock, ack

    return make


# --- real server processes ----------------------------------------------------------------------

@pytest.fixture
def server_factory(app, app_config, tmp_path):
    """Start real server processes against the test database; all are killed at the end."""
    from tests.realserver.harness import server_pool

    with server_pool(app_config["DATABASE_URL"], tmp_path) as start:
        yield start


@pytest.fixture
def live_server(server_factory):
    return server_factory()


@pytest.fixture
def live_clients():
    """Make LiveClients; all are disconnected at the end."""
    from tests.realserver.harness import LiveClient, close_all

    made: list = []

    def make(*args, **kwargs):
        client = LiveClient(*args, **kwargs).connect()
        made.append(client)
        return client

    yield make
    close_all(made)


ROOT = Path(__file__).resolve().parent.parent


# --- e-mail: a real SMTP server on 127.0.0.1 (aiosmtpd) -----------------------------------------

@pytest.fixture
def smtp():
    """A real SMTP server started for this test; `smtp.inbox` holds what arrived."""
    from tests.realserver.harness import free_port
    from tests.smtp_server import start_smtp

    port = free_port()
    controller, inbox = start_smtp(port)
    controller.url = f"smtp://127.0.0.1:{port}"
    controller.inbox = inbox
    yield controller
    controller.stop()


@pytest.fixture
def mail_config(app_config, smtp, tmp_path) -> dict:
    """App config that sends through the test's SMTP server on its own job queue file."""
    return {**app_config, "MAIL_URL": smtp.url, "MAIL_QUEUE_PATH": str(tmp_path / "mail-queue.sqlite3"),
            "BASE_URL": "https://pact.example.police.uk", "MAIL_FROM": "PACT Live <pact@example.police.uk>",
            "MAIL_RETRY_DELAY": 0.2}
