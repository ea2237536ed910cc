"""Helpers the tests share: building an app on empty tables, signing in, and talking to /meeting.

Imported as `from tests.helpers import …` (fixtures stay in the conftest files)."""
from __future__ import annotations

import re
import time
from contextlib import contextmanager

from sqlalchemy import text

from pact import create_app
from pact.extensions import db
from pact.models import Base
from pact.services import services

TEST_PASSWORD = "correct horse battery"


def empty_tables() -> None:
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(t.name for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())


@contextmanager
def fresh_app(config: dict, *, empty: bool = True):
    """An app (on empty tables unless `empty=False`); afterwards its ticker is stopped and its
    connections closed — an app left to the garbage collector leaks open database connections."""
    app = create_app(config)
    if empty:
        with app.app_context():
            empty_tables()
    try:
        yield app
    finally:
        services(app).ticker.stop()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(client, path="/login") -> str:
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def sign_in(client, email, password=TEST_PASSWORD):
    token = csrf_token(client)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def call(sock, event, payload=None):
    """Emit a command and return its ack."""
    args = () if payload is None else (payload,)
    return sock.emit(event, *args, namespace="/meeting", callback=True)


def received(sock, event=None):
    """Events this client has received since the last look (names and payloads)."""
    got = sock.get_received("/meeting")
    return [(m["name"], m["args"][0] if m["args"] else None) for m in got if event is None or m["name"] == event]


def wait_for(sock, event, timeout=3.0, predicate=None):
    """Wait for a coalesced broadcast (tallies, presence) to reach this client."""
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        for name, payload in received(sock):
            seen.append(name)
            if name == event and (predicate is None or predicate(payload)):
                return payload
        time.sleep(0.02)
    raise AssertionError(f"{event} not received within {timeout}s (saw {seen})")


def post(sock, text, **extra):
    """Post an issue (it must be accepted) and return its id."""
    ack = call(sock, "post_issue", {"text": text, **extra})
    assert ack["ok"], ack
    return ack["issue"]["id"]


def events(sock, name):
    """Payloads of the `name` events this client received since the last look."""
    return [payload for event, payload in received(sock) if event == name]


def deliver(app) -> None:
    """What the mail worker does: the sweep queues every event not yet fanned out, then the jobs run."""
    from pact.delivery.queue import drain, run_sweep

    run_sweep(app)
    drain(app)
