"""What two processes must share through Redis: a resident's rate limits (issue #17 item 3) and
who is watching, counted per browser (item 4)."""
from __future__ import annotations

import pytest
import requests
import socketio

from tests.realserver.harness import LiveClient

pytestmark = [pytest.mark.cluster, pytest.mark.realserver]


def test_a_resident_alternating_between_processes_still_hits_the_limit(cluster_servers, clients, cluster_meeting):
    a = cluster_servers("a", {"PACT_RATE_LIMITS": "on"})
    b = cluster_servers("b", {"PACT_RATE_LIMITS": "on"})
    on_a = clients(a.url, cluster_meeting, "Alice")
    on_b = LiveClient(b.url, cluster_meeting)
    on_b.token = on_a.token  # the same resident, resumed on the other process
    on_b.connect()
    try:
        assert on_b.participant["id"] == on_a.participant["id"]
        acks = []
        for n in range(6):  # five posts a minute per participant, wherever they are sent
            client = on_a if n % 2 == 0 else on_b
            acks.append(client.call("post_issue", {"text": f"Problem number {n} on Station Road"}))
        assert [ack["ok"] for ack in acks[:5]] == [True] * 5, acks
        assert acks[5]["error"] == "rate_limited" and acks[5]["retry_after"] >= 1
        assert on_a.call("post_issue", {"text": "One more from the first tab"})["error"] == "rate_limited"
    finally:
        on_b.close()


def _watcher(base_url: str, meeting_id: int, cookie: str | None, seen: list) -> socketio.Client:
    client = socketio.Client(reconnection=False)
    client.on("presence", lambda data: seen.append(data["watching"]), namespace="/meeting")
    client.connect(base_url, namespaces=["/meeting"], transports=["websocket"],
                   headers={"Cookie": cookie} if cookie else {}, wait_timeout=10)
    assert client.call("watch", {"meeting_id": meeting_id}, namespace="/meeting", timeout=10)["ok"]
    return client


def test_a_browser_with_tabs_on_two_processes_counts_once(cluster_servers, cluster_meeting):
    a, b = cluster_servers("a"), cluster_servers("b")
    browsers = []
    for _ in range(2):
        http = requests.Session()
        http.get(f"{a.url}/meetings/{cluster_meeting}", timeout=10)  # the room page gives the device cookie
        browsers.append(f"pact_device={http.cookies['pact_device']}")
    seen_a: list[int] = []
    seen_b: list[int] = []
    made = [_watcher(a.url, cluster_meeting, browsers[0], seen_a),  # browser 1, tab on a
            _watcher(b.url, cluster_meeting, browsers[0], seen_b),  # browser 1, tab on b
            _watcher(b.url, cluster_meeting, browsers[1], [])]  # browser 2
    try:
        from tests.cluster.test_faults import eventually

        eventually(lambda: seen_a and seen_a[-1] == 2 and seen_b and seen_b[-1] == 2, timeout=15,
                   what="both processes announce 2 watching")
        made.pop().disconnect()  # browser 2 leaves: one person is left, with two tabs
        eventually(lambda: seen_a[-1] == 1 and seen_b[-1] == 1, timeout=15, what="1 watching")
    finally:
        for client in made:
            client.disconnect()
