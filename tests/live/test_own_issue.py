"""`vote` on one's own issue is refused with `own_issue`, in both stages, and counts nothing."""
from sqlalchemy import func, select

from pact.extensions import db
from pact.models import Vote
from tests.helpers import call, received


def test_an_author_cannot_support_their_own_issue_but_others_can(resident):
    alice, _ = resident("Alice")
    bob, _ = resident("Bob")
    issue_id = call(alice, "post_issue", {"text": "Litter by the school"})["issue"]["id"]
    received(bob)
    refused = call(alice, "vote", {"issue_id": issue_id})
    assert refused["ok"] is False and refused["error"] == "own_issue" and refused["issue_id"] == issue_id
    assert "your own issue" in refused["message"]
    assert not [n for n, _ in received(bob) if n == "tallies"]
    assert db.session.scalar(select(func.count(Vote.id))) == 0
    assert call(bob, "vote", {"issue_id": issue_id}) == {"ok": True}
    assert call(alice, "vote", {"issue_id": issue_id})["error"] == "own_issue"  # still, after others voted
    assert db.session.scalar(select(func.count(Vote.id))) == 1


def test_an_author_cannot_give_their_own_issue_a_priority_vote(resident, connect, staff_client, meeting):
    alice, _ = resident("Alice")
    bob, _ = resident("Bob")
    issue_id = call(alice, "post_issue", {"text": "Speeding on Mill Lane"})["issue"]["id"]
    officer = connect(staff_client)
    assert call(officer, "join", {"meeting_id": meeting.id})["ok"]
    assert call(officer, "shortlist", {"issue_ids": [issue_id]})["ok"]
    assert call(officer, "set_stage", {"stage": "voting"})["ok"]
    assert call(alice, "vote", {"issue_id": issue_id})["error"] == "own_issue"
    assert call(bob, "vote", {"issue_id": issue_id}) == {"ok": True}
    assert db.session.scalar(select(func.count(Vote.id))) == 1
