"""HAProxy in front of two processes: sessions routed without cookies, browsers kept on one
process by cookie, health checks, oversized bodies refused at the door."""
from __future__ import annotations

import json

import pytest
import requests

pytestmark = [pytest.mark.cluster, pytest.mark.realserver]


def _handshake(http, base: str) -> str:
    """Open an Engine.IO polling session; returns its sid (which names the process that holds it)."""
    response = http.get(f"{base}/socket.io/", params={"EIO": "4", "transport": "polling"}, timeout=5)
    assert response.status_code == 200, response.text
    return json.loads(response.text[1:])["sid"]


def _talk(http, base: str, sid: str) -> None:
    """Connect the /meeting namespace and read the server's answer, all by the sid alone."""
    params = {"EIO": "4", "transport": "polling", "sid": sid}
    sent = http.post(f"{base}/socket.io/", params=params, data="40/meeting,", timeout=5)
    assert sent.status_code == 200 and sent.text == "OK", (sent.status_code, sent.text)
    answer = http.get(f"{base}/socket.io/", params=params, timeout=5)
    assert answer.status_code == 200 and answer.text.startswith("40/meeting,"), (answer.status_code, answer.text)


def test_polling_without_cookies_reaches_its_own_process(cluster_servers, haproxy):
    """The official Node client keeps no cookies: each request names only its session."""
    a, b = cluster_servers("a"), cluster_servers("b")
    front = haproxy(a, b).url
    nodes = set()
    for _ in range(8):
        sid = _handshake(requests, front)  # a bare `requests.get`: no cookie jar at all
        nodes.add(sid.split(".", 1)[0])
        _talk(requests, front, sid)
    assert nodes == {"a", "b"}, "leastconn should have spread new sessions over both processes"


def test_browser_sticks_by_cookie(cluster_servers, haproxy):
    a, b = cluster_servers("a"), cluster_servers("b")
    front = haproxy(a, b).url
    browser = requests.Session()
    first = _handshake(browser, front)
    assert browser.cookies.get("pact_node") == first.split(".", 1)[0]
    for _ in range(4):  # new sessions from the same browser go to the same process
        sid = _handshake(browser, front)
        assert sid.split(".", 1)[0] == first.split(".", 1)[0]
        _talk(browser, front, sid)


def test_oversized_body_refused_at_haproxy(cluster_servers, haproxy):
    a = cluster_servers("a")
    front = haproxy(a).url
    response = requests.post(f"{front}/login", data=b"x" * (300 * 1024), timeout=10)
    assert response.status_code == 413


def test_down_process_taken_out_by_health_check(cluster_servers, haproxy):
    a, b = cluster_servers("a"), cluster_servers("b")
    front = haproxy(a, b).url
    b.kill()
    nodes = {requests.get(front + "/healthz", timeout=5).json()["pid"] for _ in range(6)}
    assert nodes == {a.proc.pid}  # every request answered, by the live process
