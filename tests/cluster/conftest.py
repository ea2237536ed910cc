"""Several real server processes on a real PostgreSQL database and a Redis of their own.

The shared Redis (6379) and PostgreSQL server are never stopped: each test session creates its
own PostgreSQL database (dropped at the end, after terminating only its own connections) and each
test its own `redis-server` child on a free port, which the test may stop and start again. Without
a PostgreSQL server on 127.0.0.1:5432 (or PACT_TEST_DATABASE_URL pointing at one) or without the
`redis-server` binary these tests skip and say why; under CI (which installs both) they fail instead.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.realserver.harness import LiveClient, close_all, free_port, server_pool

DEFAULT_SERVER_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _admin_url() -> str:
    url = os.environ.get("PACT_TEST_DATABASE_URL", "")
    if url.startswith("postgresql"):
        return make_url(url).set(database="postgres").render_as_string(hide_password=False)
    return DEFAULT_SERVER_URL


@pytest.fixture(scope="session")
def cluster_database():
    """A PostgreSQL database of this session's own, migrated; dropped at the end."""
    admin_url = _admin_url()
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        admin.dispose()
        _missing(f"cluster tests need PostgreSQL at {make_url(admin_url).host}:5432 ({exc.__class__.__name__})")
    name = f"pact_cluster_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    from flask_migrate import upgrade

    from pact import create_app
    from pact.extensions import db
    from pact.services import services

    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "cluster-test"})
    with app.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()
    services(app).ticker.stop()
    yield url
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name})
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


@pytest.fixture
def cluster_app(cluster_database):
    """The app on the cluster database, for setting up data and checking what was saved."""
    from tests.helpers import fresh_app

    with fresh_app({"TESTING": True, "DATABASE_URL": cluster_database, "SECRET_KEY": "cluster-test"}) as app:
        yield app


@pytest.fixture
def cluster_meeting(cluster_app):
    """A beat and a live meeting; returns the meeting id."""
    from datetime import timedelta

    from pact.extensions import db
    from pact.meetings.directory import create_beat, schedule_meeting
    from pact.models import Stage, utcnow

    with cluster_app.app_context():
        beat = create_beat("hilltop", "Hilltop")
        meeting = schedule_meeting(beat, "Hilltop PACT", utcnow() - timedelta(minutes=5), stage=Stage.LIVE)
        db.session.commit()
        meeting_id = meeting.id
        db.session.remove()
    return meeting_id


class RedisServer:
    """A `redis-server` child of this test on a free port: no persistence, stop and start at will."""

    def __init__(self, log_dir: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_path = log_dir / f"redis-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> RedisServer:
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        try:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    if client.ping():
                        return self
                except redis.RedisError:
                    time.sleep(0.05)
            raise RuntimeError("redis-server did not start")
        finally:
            client.close()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


@pytest.fixture
def redis_server(tmp_path):
    if shutil.which("redis-server") is None:
        _missing("cluster tests need the redis-server binary")
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def cluster_servers(cluster_database, redis_server, tmp_path):
    """Start gevent server processes sharing the cluster database and this test's Redis.

    `start(name)` names the process (PACT_NODE_ID) so HAProxy can route its sessions; each trusts
    one proxy hop (PACT_PROXY_FIX=1), as behind HAProxy."""
    with server_pool(cluster_database, tmp_path, PACT_MESSAGE_QUEUE=redis_server.url, PACT_ASYNC_MODE="gevent",
                     PACT_RATE_LIMITS="off", PACT_PRESENCE_TTL="4", PACT_PROXY_FIX="1") as start:
        def named(name: str = "server", env: dict[str, str] | None = None):
            return start(name, {"PACT_NODE_ID": name, **(env or {})})

        yield named


class HAProxy:
    """Debian's `haproxy` as a child of this test, in front of the given server processes."""

    def __init__(self, servers, log_dir: Path) -> None:
        from pact.cluster import Backend, render_haproxy

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.config = log_dir / f"haproxy-{self.port}.cfg"
        self.config.write_text(render_haproxy(f"127.0.0.1:{self.port}", [
            Backend(server.env["PACT_NODE_ID"], f"127.0.0.1:{server.port}") for server in servers]))
        self.log_path = log_dir / f"haproxy-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> HAProxy:
        import requests

        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([_haproxy_binary(), "-W", "-db", "-f", str(self.config)], stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"haproxy exited: {self.log_path.read_text()}")
            try:
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError("haproxy did not answer")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


def _haproxy_binary() -> str:
    found = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)
    if found is None:
        _missing("cluster tests need Debian's haproxy (apt-get install haproxy)")
    return found


@pytest.fixture
def haproxy(tmp_path):
    """`front(*servers)` starts HAProxy in front of those server processes; stopped at the end."""
    _haproxy_binary()
    started: list[HAProxy] = []

    def front(*servers) -> HAProxy:
        proxy = HAProxy(servers, tmp_path).start()
        started.append(proxy)
        return proxy

    yield front
    for proxy in started:
        proxy.stop()


@pytest.fixture
def clients():
    made: list[LiveClient] = []

    def make(base_url: str, meeting_id: int, name: str) -> LiveClient:
        client = LiveClient(base_url, meeting_id, name=name).connect()
        made.append(client)
        return client

    yield make
    close_all(made)


def _missing(reason: str) -> None:
    """A service the cluster tests need is absent: skip on a developer's machine, fail in CI."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def session_from(address: str):
    """A `requests.Session` whose connections leave from `address` (any 127.x.y.z works on Linux),
    so the server sees a real client address of the test's choosing, not a forged header."""
    import requests
    from requests.adapters import HTTPAdapter

    class FromAddress(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            kwargs["source_address"] = (address, 0)
            super().init_poolmanager(*args, **kwargs)

    session = requests.Session()
    session.mount("http://", FromAddress())
    return session


def login_page_token(http, base_url: str) -> str:
    import re

    html = http.get(base_url + "/login", timeout=10).text
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def try_sign_in(base_url: str, address: str, email: str, password: str, headers: dict | None = None) -> int:
    """One sign-in from `address` (a fresh browser: GET the form, POST it); returns the status."""
    http = session_from(address)
    token = login_page_token(http, base_url)
    response = http.post(base_url + "/login", data={"email": email, "password": password, "csrf_token": token},
                         headers=headers or {}, allow_redirects=False, timeout=20)
    return response.status_code
