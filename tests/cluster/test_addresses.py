"""Client addresses that cannot be forged (issue #17 item 2), and sign-in throttling for real
(issue #11 M1/M2): connections really leave from different loopback addresses (127.0.0.x), and
every request carries a forged X-Forwarded-For that must make no difference."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import socketio
from sqlalchemy import select

from pact.extensions import db
from pact.models import AuditEntry
from tests.cluster.conftest import session_from, try_sign_in
from tests.cluster.test_staff_access import make_officer
from tests.helpers import TEST_PASSWORD

pytestmark = [pytest.mark.cluster, pytest.mark.realserver]
FORGED = {"X-Forwarded-For": "6.6.6.6"}


def sign_in_failures(app) -> list[str]:
    with app.app_context():
        reasons = list(db.session.scalars(select(AuditEntry.reason).where(AuditEntry.action == "sign_in_failed")
                                          .order_by(AuditEntry.id)))
        db.session.remove()
        return reasons


def bare_join(base_url: str, address: str, meeting_id: int, name: str, forged: str) -> dict:
    """A script's join: no device cookie, polling from `address`, a different forged XFF each time."""
    http = session_from(address)
    http.headers["X-Forwarded-For"] = forged
    client = socketio.Client(http_session=http, reconnection=False)
    client.connect(base_url, namespaces=["/meeting"], transports=["polling"], wait_timeout=10)
    try:
        return client.call("join", {"meeting_id": meeting_id, "display_name": name}, namespace="/meeting", timeout=10)
    finally:
        client.disconnect()


@pytest.mark.parametrize("through", ["direct", "haproxy"])
def test_forged_forwarded_for_changes_nothing(through, cluster_servers, haproxy, cluster_app, cluster_meeting):
    """Direct to a process with PACT_PROXY_FIX=0, or through HAProxy with PACT_PROXY_FIX=1: the
    audit log and the join limit both see the connection's real address, never 6.6.6.6."""
    proxy_fix = "0" if through == "direct" else "1"
    server = cluster_servers("a", {"PACT_RATE_LIMITS": "on", "PACT_PROXY_FIX": proxy_fix})
    front = server.url if through == "direct" else haproxy(server).url
    email = make_officer(cluster_app)
    assert try_sign_in(front, "127.0.0.2", email, "wrong", FORGED) == 401
    assert sign_in_failures(cluster_app) == ["wrong email or password from 127.0.0.2"]
    acks = [bare_join(front, "127.0.0.4", cluster_meeting, f"Bot {n}", forged=f"6.6.6.{n}") for n in range(11)]
    assert all(ack["ok"] for ack in acks[:10]), acks
    assert acks[10]["error"] == "rate_limited"  # ten forged addresses were still one real one
    assert bare_join(front, "127.0.0.5", cluster_meeting, "Someone else", forged="6.6.6.6")["ok"]


def test_thirty_concurrent_wrong_passwords_then_the_owner_gets_in(cluster_servers, haproxy, cluster_app,
                                                                 cluster_meeting):
    """M1: the check and the count are one step, across two processes sharing Redis, so thirty
    guesses at once are not all checked. M2: the owner, elsewhere, still signs in."""
    a = cluster_servers("a", {"PACT_RATE_LIMITS": "on"})
    b = cluster_servers("b", {"PACT_RATE_LIMITS": "on"})
    front = haproxy(a, b).url
    email = make_officer(cluster_app)
    with ThreadPoolExecutor(max_workers=30) as pool:
        statuses = list(pool.map(lambda _: try_sign_in(front, "127.0.0.2", email, "guess", FORGED), range(30)))
    assert sorted(set(statuses)) == [401, 429]
    assert statuses.count(401) == 5  # the limit for one account from one address, exactly
    failures = sign_in_failures(cluster_app)
    assert len(failures) == 30 and failures.count("wrong email or password from 127.0.0.2") == 5
    assert try_sign_in(front, "127.0.0.2", email, TEST_PASSWORD) == 429  # the guesser's address waits
    assert try_sign_in(front, "127.0.0.3", email, TEST_PASSWORD) == 302  # the owner does not
