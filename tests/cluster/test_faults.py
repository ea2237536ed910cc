"""Faults, for real: two server processes, a Redis that stops, a process that dies, a database
connection that drops. Every acknowledged vote and post must be in the database afterwards."""
from __future__ import annotations

import signal
import time

import pytest
import requests
from sqlalchemy import func, select, text

from pact.extensions import db
from pact.models import Issue, Vote

pytestmark = [pytest.mark.cluster, pytest.mark.realserver]


def saved(app, model, meeting_id: int) -> int:
    with app.app_context():
        query = select(func.count(model.id))
        query = query.where(Issue.meeting_id == meeting_id) if model is Issue else \
            query.join(Issue, Issue.id == Vote.issue_id).where(Issue.meeting_id == meeting_id)
        count = db.session.scalar(query)
        db.session.remove()
        return count


def eventually(predicate, timeout: float = 15.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"{what} not reached within {timeout}s")


def test_two_processes_share_one_meeting(cluster_servers, clients, cluster_meeting):
    a, b = cluster_servers("a"), cluster_servers("b")
    alice, bob = clients(a.url, cluster_meeting, "Alice"), clients(b.url, cluster_meeting, "Bob")

    posted = alice.call("post_issue", {"text": "Parking on the school zigzags"})
    assert posted["ok"], posted
    issue_id = posted["issue"]["id"]
    assert bob.wait_for("issue_posted", lambda d: d["id"] == issue_id)["author"] == "Alice"
    assert bob.call("vote", {"issue_id": issue_id}) == {"ok": True}
    alice.wait_for("tallies", lambda t: t.get(str(issue_id)) == 1)  # counted on a, voted on b
    bob.wait_for("tallies", lambda t: t.get(str(issue_id)) == 1)
    for client in (alice, bob):  # presence is the whole meeting's, not one process's
        client.wait_for("presence", lambda p: p["watching"] == 2)
    for server in (a, b):
        assert requests.get(server.url + "/healthz", timeout=5).json()["status"] == "ok"


def test_redis_stopped_mid_meeting(cluster_servers, clients, cluster_meeting, redis_server, cluster_app):
    a, b = cluster_servers("a"), cluster_servers("b")
    alice, bob = clients(a.url, cluster_meeting, "Alice"), clients(b.url, cluster_meeting, "Bob")
    first = alice.call("post_issue", {"text": "Fly-tipping behind the shops"})
    assert first["ok"]
    bob.wait_for("issue_posted", lambda d: d["id"] == first["issue"]["id"])

    redis_server.stop()
    health = requests.get(a.url + "/healthz", timeout=5)
    assert health.status_code == 200 and health.json() == {**health.json(), "status": "degraded",
                                                           "database": "ok", "message_queue": "down"}
    during = alice.call("post_issue", {"text": "Street lights out on Mill Lane"})
    assert during["ok"], during  # saved and acknowledged although nobody else can hear it yet
    issue_id = during["issue"]["id"]
    assert bob.call("vote", {"issue_id": first["issue"]["id"]}) == {"ok": True}
    assert bob.call("vote", {"issue_id": issue_id}) == {"ok": True}  # not the author's own (own_issue)
    for server in (a, b):  # no 500s: pages and the room still serve
        assert requests.get(f"{server.url}/meetings/{cluster_meeting}", timeout=5).status_code == 200
    assert saved(cluster_app, Issue, cluster_meeting) == 2 and saved(cluster_app, Vote, cluster_meeting) == 2
    # Without Redis each process recounts from the database: the tally still reaches both sides.
    bob.wait_for("tallies", lambda t: t.get(str(issue_id)) == 1)

    redis_server.start()  # same port: the processes reconnect and ask their clients to resync
    eventually(lambda: requests.get(a.url + "/healthz", timeout=5).json()["status"] == "ok", what="health ok")
    eventually(lambda: bob.state and any(i["id"] == issue_id for i in bob.state["issues"]), timeout=20,
               what="bob resynchronised with the post he missed")
    # Each process asks its own clients to resync when it sees the queue again: not at the same instant.
    eventually(lambda: bob.resyncs >= 1 and alice.resyncs >= 1, timeout=20, what="both sides asked to resync")
    after = alice.call("post_issue", {"text": "Graffiti on the underpass"})
    assert after["ok"]
    bob.wait_for("issue_posted", lambda d: d["id"] == after["issue"]["id"], timeout=20)  # the queue works again
    # One listener per process, never two: each message arrives once.
    import redis

    assert redis.Redis(port=redis_server.port).pubsub_numsub("flask-socketio") == [(b"flask-socketio", 2)]
    time.sleep(1)
    with bob.lock:
        copies = [d for name, d in bob.events if name == "issue_posted" and d["id"] == after["issue"]["id"]]
    assert len(copies) == 1


def test_process_killed_mid_meeting(cluster_servers, clients, cluster_meeting, cluster_app, haproxy):
    a, b = cluster_servers("a"), cluster_servers("b")
    front = haproxy(a, b).url
    residents = [clients(front, cluster_meeting, f"Resident {n}") for n in range(6)]
    issues = [residents[0].call("post_issue", {"text": f"Problem {n} on the estate"})["issue"]["id"]
              for n in range(3)]
    voters = residents[1:]  # the author cannot support their own issues (own_issue)
    acked = sum(r.call("vote", {"issue_id": issues[0]}) == {"ok": True} for r in voters)
    on_a = requests.get(a.url + "/healthz", timeout=5).json()["connections"]
    assert 0 < on_a < len(residents), "HAProxy should spread clients over both processes"

    a.kill(signal.SIGKILL)
    # a's clients reconnect through HAProxy to b, with their resume tokens, and resynchronise.
    eventually(lambda: sum(r.joins == 2 for r in residents) == on_a, timeout=30, what="a's clients rejoined")
    eventually(lambda: requests.get(b.url + "/healthz", timeout=5).json()["connections"] == 6, what="all on b")
    for resident in voters:
        ack = resident.call("vote", {"issue_id": issues[1]})
        acked += ack == {"ok": True}
    assert acked == 10 == saved(cluster_app, Vote, cluster_meeting)
    for resident in (r for r in residents if r.joins == 2):
        counts = {i["id"]: i["votes"] for i in resident.state["issues"]}
        assert counts[issues[0]] == 5  # resynchronised on rejoin
    residents[0].wait_for("tallies", lambda t: t.get(str(issues[1])) == 5)
    # The dead process's watchers age out (PACT_PRESENCE_TTL=4 s here); everyone is on b now.
    residents[0].wait_for("presence", lambda p: p["watching"] == 6, timeout=20)


def test_dropped_database_connection_is_retryable(cluster_servers, clients, cluster_meeting, cluster_app,
                                                  cluster_database):
    server = cluster_servers("a")
    alice = clients(server.url, cluster_meeting, "Alice")
    bob = clients(server.url, cluster_meeting, "Bob")  # votes: nobody supports their own issue
    posted = alice.call("post_issue", {"text": "Speeding on the bypass"})
    issue_id = posted["issue"]["id"]
    with cluster_app.app_context():  # drop every connection the server holds (only to our database)
        name = db.engine.url.database
        db.session.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": name})
        db.session.commit()
        db.session.remove()
    answers = []
    for text_ in ("Broken glass in the park", "Noise from the late bar"):
        for _ in range(5):
            ack = alice.call("post_issue", {"text": text_})
            answers.append(ack)
            if ack["ok"]:
                break
            assert ack["error"] == "unavailable" and ack["retry_after"] > 0, ack
            time.sleep(ack["retry_after"])
    vote = bob.call("vote", {"issue_id": issue_id})
    assert vote == {"ok": True} or vote["error"] == "unavailable"
    if not vote["ok"]:
        assert bob.call("vote", {"issue_id": issue_id}) == {"ok": True}
    ok_posts = sum(1 for ack in answers if ack["ok"])
    assert ok_posts == 2 and saved(cluster_app, Issue, cluster_meeting) == 3  # nothing half-written, nothing twice
    assert saved(cluster_app, Vote, cluster_meeting) == 1
