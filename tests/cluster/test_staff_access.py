"""Staff access across processes: signing out on one process closes the account's sockets on all."""
from __future__ import annotations

import re
import time

import pytest
import requests

from tests.helpers import TEST_PASSWORD
from tests.realserver.harness import LiveClient, close_all, staff_cookie

pytestmark = [pytest.mark.cluster, pytest.mark.realserver]


def make_officer(app, email="pc.hill@example.org"):
    from pact.extensions import db
    from pact.meetings.directory import create_user

    with app.app_context():
        create_user(email, role="officer", password=TEST_PASSWORD, display_name="PC Hill", beat_slugs=["hilltop"])
        db.session.commit()
        db.session.remove()
    return email


def sign_out(base_url: str, cookie: str) -> None:
    """POST /logout as the browser holding `cookie` would, with its CSRF token."""
    browser = requests.Session()
    for pair in cookie.split("; "):
        name, _, value = pair.partition("=")
        browser.cookies.set(name, value, domain="127.0.0.1", path="/")
    page = browser.get(base_url + "/", timeout=5).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = browser.post(base_url + "/logout", data={"csrf_token": token}, allow_redirects=False, timeout=5)
    assert response.status_code == 302, re.findall(r"<h1>(.*?)</h1>", response.text)


def test_sign_out_on_one_process_closes_the_staff_socket_on_another(cluster_servers, cluster_app, cluster_meeting):
    a, b = cluster_servers("a"), cluster_servers("b")
    email = make_officer(cluster_app)
    cookie = staff_cookie(a.url, email, TEST_PASSWORD)
    officer = LiveClient(b.url, cluster_meeting, cookie=cookie).connect()  # the officer's room is on b
    resident = LiveClient(a.url, cluster_meeting, name="Alice").connect()
    try:
        assert officer.participant["role"] == "officer"
        held = resident.call("post_issue", {"text": "Call me on 07700 900123 about the dealer"})
        assert held["issue"]["status"] == "held"
        officer.wait_for("issue_posted", lambda d: d["id"] == held["issue"]["id"])  # staff see held posts

        sign_out(a.url, cookie)  # over HTTP, on the *other* process
        deadline = time.monotonic() + 10
        while officer.sio.connected and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not officer.sio.connected, "the signed-out officer's socket on b is still open"

        later = resident.call("post_issue", {"text": "Email me at someone@example.org tonight"})
        assert later["issue"]["status"] == "held"
        time.sleep(1.0)
        with officer.lock:
            seen = [data["id"] for name, data in officer.events if name == "issue_posted"]
        assert later["issue"]["id"] not in seen
    finally:
        close_all([officer, resident])
