"""`suggest`: issues already raised that read like a draft; public ones only, never merged, rate-limited."""
import pytest
from sqlalchemy import func, select

from pact.extensions import db
from pact.models import Issue
from tests.helpers import call, received


def test_a_close_public_issue_is_suggested_and_nothing_changes(resident, connect, staff_client, meeting):
    alice, _ = resident("Alice")
    bob, _ = resident("Bob")
    speeding = call(alice, "post_issue", {"text": "Cars speeding on Mill Lane every night"})["issue"]["id"]
    call(alice, "post_issue", {"text": "Litter in the park by the swings"})
    received(alice)
    ack = call(bob, "suggest", {"text": "speeding mill lane"})
    assert ack["ok"] and [i["id"] for i in ack["issues"]] == [speeding]
    assert ack["issues"][0]["text"] == "Cars speeding on Mill Lane every night" and ack["issues"][0]["score"] >= 85
    assert call(bob, "suggest", {"text": "Parking on Mill Lane"}) == {"ok": True, "issues": []}
    assert call(bob, "suggest", {"text": "  "}) == {"ok": True, "issues": []}
    # nothing is broadcast (presence is the ticker's own coalesced count and may arrive at any time)
    assert [e for e in received(alice) if e[0] != "presence"] == []
    assert db.session.scalar(select(func.count(Issue.id))) == 2
    officer = connect(staff_client)
    assert call(officer, "join", {"meeting_id": meeting.id})["ok"]
    mine = call(officer, "suggest", {"text": "Cars speeding on Mill Lane every night", "exclude_id": speeding})
    assert mine == {"ok": True, "issues": []}  # an officer looking for duplicates of an issue skips the issue itself


def test_held_and_hidden_posts_are_never_suggested(resident, connect, staff_client, meeting):
    alice, _ = resident("Alice")
    bob, _ = resident("Bob")
    held = call(alice, "post_issue", {"text": "Speeding on Mill Lane, ring 07700 900123"})
    assert held["issue"]["status"] == "held"
    public = call(alice, "post_issue", {"text": "Drug dealing outside the Co-op"})["issue"]["id"]
    assert call(bob, "suggest", {"text": "speeding on mill lane"})["issues"] == []
    assert [i["id"] for i in call(bob, "suggest", {"text": "drug dealing outside the coop"})["issues"]] == [public]
    officer = connect(staff_client)
    assert call(officer, "join", {"meeting_id": meeting.id})["ok"]
    assert call(officer, "moderate", {"issue_id": public, "action": "hide"})["ok"]
    assert call(bob, "suggest", {"text": "drug dealing outside the coop"})["issues"] == []
    # and what an officer publishes is suggested from the next call on (the room's cache moved on)
    assert call(officer, "moderate", {"issue_id": held["issue"]["id"], "action": "approve"})["ok"]
    assert [i["id"] for i in call(bob, "suggest", {"text": "speeding on mill lane"})["issues"]] == [held["issue"]["id"]]


@pytest.mark.parametrize("payload, code", [({}, "invalid_payload"), ({"text": 5}, "invalid_payload"),
                                           ({"text": "x" * 1001}, "too_long"),
                                           ({"text": "a", "more": 1}, "invalid_payload")])
def test_bad_suggest_payloads_are_refused(resident, payload, code):
    alice, _ = resident("Alice")
    ack = call(alice, "suggest", payload)
    assert ack["ok"] is False and ack["error"] == code and ack["message"]


def test_suggest_needs_a_join_and_is_rate_limited(connect, resident, meeting):
    watcher = connect()
    assert call(watcher, "suggest", {"text": "speeding on mill lane"})["error"] == "not_joined"
    alice, _ = resident("Alice")
    acks = [call(alice, "suggest", {"text": f"speeding on mill lane {n}"}) for n in range(31)]
    assert all(a["ok"] for a in acks[:30])
    assert acks[30]["error"] == "rate_limited" and acks[30]["retry_after"] > 0
