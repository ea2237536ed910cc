"""H2 across processes: a staff resume token taken to another server process opens nothing, and
deactivating the account or taking its beat away on one process closes its staff socket on another,
after which the token still opens nothing (issue #11)."""
from __future__ import annotations

import re
import time

import pytest
import requests
import socketio

from tests.helpers import TEST_PASSWORD
from tests.realserver.harness import LiveClient, close_all, staff_cookie

pytestmark = [pytest.mark.cluster, pytest.mark.realserver]


def make_staff(app, email, role, beats, name):
    from pact.extensions import db
    from pact.meetings.directory import create_user

    with app.app_context():
        user = create_user(email, role=role, password=TEST_PASSWORD, display_name=name, beat_slugs=beats)
        db.session.commit()
        user_id = user.id
        db.session.remove()
    return user_id


def narrow(base_url: str, admin_cookie: str, user_id: int, change: str) -> None:
    """POST the admin page's form for `change` (`deactivate`, or `beats` with none ticked), as the
    admin's browser would."""
    browser = requests.Session()
    for pair in admin_cookie.split("; "):
        name, _, value = pair.partition("=")
        browser.cookies.set(name, value, domain="127.0.0.1", path="/")
    page = browser.get(f"{base_url}/admin/users/{user_id}", timeout=5).text
    prefix = "active" if change == "deactivate" else "beats"
    token = re.search(rf'name="{prefix}-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = browser.post(f"{base_url}/admin/users/{user_id}/{change}", data={f"{prefix}-csrf_token": token},
                            allow_redirects=False, timeout=5)
    assert response.status_code == 302


@pytest.mark.parametrize("change", ["deactivate", "beats"])
def test_a_staff_token_is_refused_on_another_process_and_losing_access_closes_it_there(
        cluster_servers, cluster_app, cluster_meeting, change):
    a, b = cluster_servers("a"), cluster_servers("b")
    officer_id = make_staff(cluster_app, "pc.hill@example.org", "officer", ["hilltop"], "PC Hill")
    make_staff(cluster_app, "admin@example.org", "admin", [], "Admin")
    officer = LiveClient(b.url, cluster_meeting, cookie=staff_cookie(a.url, "pc.hill@example.org", TEST_PASSWORD))
    officer.connect()  # signed in on a, in the room on b
    resident = LiveClient(a.url, cluster_meeting, name="Alice").connect()
    thief = socketio.Client(reconnection=False)
    heard: list = []
    thief.on("issue_posted", heard.append, namespace="/meeting")
    try:
        assert officer.participant["role"] == "officer"
        thief.connect(a.url, namespaces=["/meeting"], transports=["websocket"], wait_timeout=10)
        refused = thief.call("join", {"meeting_id": cluster_meeting, "resume_token": officer.token},
                             namespace="/meeting", timeout=10)
        assert refused["ok"] is False and refused["error"] == "invalid_token", refused

        narrow(a.url, staff_cookie(a.url, "admin@example.org", TEST_PASSWORD), officer_id, change)
        deadline = time.monotonic() + 10
        while officer.sio.connected and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not officer.sio.connected, f"after {change}, the officer's socket on b is still open"

        held = resident.call("post_issue", {"text": "Call me on 07700 900123 about the van"})
        assert held["issue"]["status"] == "held"
        again = thief.call("join", {"meeting_id": cluster_meeting, "resume_token": officer.token},
                           namespace="/meeting", timeout=10)
        assert again["error"] == "invalid_token", again
        time.sleep(1.0)
        assert "07700" not in str(heard)
    finally:
        thief.disconnect()
        close_all([officer, resident])
