"""The real server process, real Socket.IO clients: two residents and an officer hold a meeting."""
import threading

import pytest
from sqlalchemy import func, select

from pact.extensions import db
from pact.models import Issue, Vote
from tests.helpers import TEST_PASSWORD
from tests.realserver.harness import LiveClient, ServerProcess, close_all, staff_cookie

pytestmark = pytest.mark.realserver


def test_two_residents_and_an_officer(live_server, live_clients, meeting, officer):
    alice = live_clients(live_server.url, meeting.id, name="Alice")
    bob = live_clients(live_server.url, meeting.id, name="Bob")
    pc = live_clients(live_server.url, meeting.id, cookie=staff_cookie(live_server.url, officer.email, TEST_PASSWORD))
    assert pc.participant["role"] == "officer" and alice.participant["role"] == "resident"

    posted = alice.call("post_issue", {"text": "Cars racing on the bypass at night", "category": "traffic"})
    assert posted["ok"]
    issue_id = posted["issue"]["id"]
    assert bob.wait_for("issue_posted", lambda d: d["id"] == issue_id)["author"] == "Alice"
    pc.wait_for("issue_posted", lambda d: d["id"] == issue_id)

    assert bob.call("vote", {"issue_id": issue_id}) == {"ok": True}
    assert alice.wait_for("tallies", lambda t: t.get(str(issue_id)) == 1)
    assert pc.call("answer", {"issue_id": issue_id, "text": "Speed checks start Friday."}) == {"ok": True}
    update = alice.wait_for("issue_updated", lambda d: d["id"] == issue_id and d["answer"])
    assert update["answer"] == {**update["answer"], "text": "Speed checks start Friday.", "by": "PC Jones"}
    assert bob.wait_for("presence", lambda p: p["watching"] >= 3)

    # Bob reconnects with his token: same participant, his vote still his.
    bob.close()
    resumed = LiveClient(live_server.url, meeting.id)
    resumed.token = bob.token
    resumed.connect()
    try:
        assert resumed.participant["id"] == bob.participant["id"]
        [issue] = [i for i in resumed.state["issues"] if i["id"] == issue_id]
        assert issue["my_vote"] is True and issue["votes"] == 1
        assert resumed.call("vote", {"issue_id": issue_id})["error"] == "duplicate"
    finally:
        resumed.close()


def test_server_killed_mid_meeting_loses_nothing_acknowledged(server_factory, meeting, tmp_path):
    server = server_factory()
    alice = LiveClient(server.url, meeting.id, name="Alice").connect()
    voters = [LiveClient(server.url, meeting.id, name=f"Voter {n}").connect() for n in range(4)]
    try:
        acked_issues = []
        for n in range(5):
            ack = alice.call("post_issue", {"text": f"Issue number {n} before the crash"})
            assert ack["ok"]
            acked_issues.append(ack["issue"]["id"])
        acked_votes = 0
        for voter in voters:
            for issue_id in acked_issues[:3]:
                if voter.call("vote", {"issue_id": issue_id}) == {"ok": True}:
                    acked_votes += 1
        assert acked_votes == 12

        server.kill()  # SIGKILL: no shutdown, no flush
        restarted = ServerProcess(server.env["PACT_DATABASE_URL"], tmp_path, port=server.port, name="restarted").start()
        try:
            for client in [alice, *voters]:
                client.rejoined(2)
            texts = {i["id"] for i in alice.state["issues"]}
            assert set(acked_issues) <= texts
            counts = {i["id"]: i["votes"] for i in voters[0].state["issues"]}
            assert [counts[i] for i in acked_issues[:3]] == [4, 4, 4]
            assert all(i["my_vote"] for i in voters[0].state["issues"] if i["id"] in acked_issues[:3])
            # And the meeting goes on after the restart.
            assert voters[0].call("vote", {"issue_id": acked_issues[4]}) == {"ok": True}
            assert db.session.scalar(select(func.count(Vote.id))) == 13
            assert db.session.scalar(select(func.count(Issue.id))) == 5
        finally:
            restarted.kill()
    finally:
        close_all([alice, *voters])


def test_concurrent_duplicate_and_distinct_votes_are_counted_exactly(live_server, meeting):
    """20 simultaneous identical votes from one resident and 30 distinct voters: exactly 31 rows."""
    author = LiveClient(live_server.url, meeting.id, name="Author", browser=True).connect()
    eager = LiveClient(live_server.url, meeting.id, name="Eager", browser=True).connect()
    others = [LiveClient(live_server.url, meeting.id, name=f"N{n}", browser=True).connect() for n in range(30)]
    try:
        issue_id = author.call("post_issue", {"text": "Fly-tipping behind the shops"})["issue"]["id"]
        acks: list[dict] = []
        lock = threading.Lock()

        def cast(client):
            ack = client.call("vote", {"issue_id": issue_id})
            with lock:
                acks.append(ack)

        threads = [threading.Thread(target=cast, args=(eager,)) for _ in range(20)]
        threads += [threading.Thread(target=cast, args=(c,)) for c in others]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        oks = [a for a in acks if a.get("ok")]
        assert len(acks) == 50 and len(oks) == 31
        assert {a["error"] for a in acks if not a.get("ok")} == {"duplicate"}
        assert db.session.scalar(select(func.count(Vote.id))) == 31
        assert author.wait_for("tallies", lambda t: t.get(str(issue_id)) == 31)
    finally:
        close_all([author, eager, *others])
