"""Hybrid meetings over /meeting: people in the hall, its show of hands, issues raised from the floor."""
import pytest
from sqlalchemy import select

from pact.extensions import db
from pact.models import AuditEntry, Issue
from tests.helpers import call, events, post, received


def test_the_room_counts_beside_the_online_votes_and_everyone_sees_both(resident, officer_sock, make_meeting):
    alice, _ = resident("Alice")
    bob, _ = resident("Bob")
    stranger, _ = resident("Stranger", target=make_meeting(title="Elsewhere"))
    issue_id = post(alice, "Speeding on Mill Lane")
    assert call(bob, "vote", {"issue_id": issue_id})["ok"]
    received(alice)
    assert call(officer_sock, "room_size", {"count": 40}) == {"ok": True, "room_size": 40}
    assert events(alice, "room_size") == [{"room_size": 40}]
    ack = call(officer_sock, "room_count", {"issue_id": issue_id, "count": 25})
    assert ack["ok"] and ack["issue"]["in_room"] == 25 and ack["issue"]["votes"] == 1
    [update] = events(alice, "issue_updated")
    assert (update["id"], update["in_room"], update["votes"]) == (issue_id, 25, 1)
    assert events(stranger, "room_size") == [] and events(stranger, "issue_updated") == []
    # A resident who joins later reads both figures in the state.
    state = call(resident("Carol")[0], "sync")["state"]
    assert state["meeting"]["room_size"] == 40
    assert [(i["votes"], i["in_room"]) for i in state["issues"] if i["id"] == issue_id] == [(1, 25)]
    db.session.expire_all()
    reasons = db.session.scalars(select(AuditEntry.reason).where(AuditEntry.action.in_(["room_size", "room_count"]))
                                 .order_by(AuditEntry.id)).all()
    assert reasons == ["not set → 40", "support in the room: 0 → 25 (of 40)"]


def test_while_voting_the_room_votes_on_the_shortlist_only(resident, officer_sock):
    alice, _ = resident("Alice")
    first, second = post(alice, "Speeding on Mill Lane"), post(alice, "Litter in the park")
    assert call(officer_sock, "room_size", {"count": 30})["ok"]
    assert call(officer_sock, "room_count", {"issue_id": first, "count": 12})["ok"]  # support while live
    assert call(officer_sock, "shortlist", {"issue_ids": [first]})["ok"]
    assert call(officer_sock, "set_stage", {"stage": "voting"})["ok"]
    refused = call(officer_sock, "room_count", {"issue_id": second, "count": 3})
    assert refused["ok"] is False and refused["error"] == "not_shortlisted"
    ack = call(officer_sock, "room_count", {"issue_id": first, "count": 9})
    assert ack["issue"]["in_room"] == 9  # priority votes now; the support count is kept apart
    db.session.expire_all()
    issue = db.session.get(Issue, first)
    assert (issue.in_room_support, issue.in_room_votes) == (12, 9)


@pytest.mark.parametrize(("payload", "code"), [
    ({"count": -1}, "invalid_count"),
    ({"count": 100_001}, "invalid_count"),
    ({"count": "12"}, "invalid_payload"),
    ({"count": True}, "invalid_payload"),
    ({}, "invalid_payload"),
])
def test_a_bad_room_size_is_refused_and_changes_nothing(officer_sock, meeting, payload, code):
    ack = call(officer_sock, "room_size", payload)
    assert ack["ok"] is False and ack["error"] == code and ack["message"]
    db.session.expire_all()
    assert db.session.get(type(meeting), meeting.id).room_size is None


def test_counts_are_bounded_by_the_room_and_need_it_first(resident, officer_sock):
    alice, _ = resident("Alice")
    issue_id = post(alice, "Speeding on Mill Lane")
    assert call(officer_sock, "room_count", {"issue_id": issue_id, "count": 1})["error"] == "no_room_size"
    assert call(officer_sock, "room_size", {"count": 20})["ok"]
    over = call(officer_sock, "room_count", {"issue_id": issue_id, "count": 21})
    assert over["error"] == "invalid_count" and over["limit"] == 20
    assert call(officer_sock, "room_count", {"issue_id": issue_id, "count": 20})["ok"]
    shrink = call(officer_sock, "room_size", {"count": 10})
    assert shrink["error"] == "below_room_counts" and shrink["minimum"] == 20
    assert call(officer_sock, "room_count", {"issue_id": 999_999, "count": 1})["error"] == "not_found"


def test_residents_cannot_speak_for_the_room(resident):
    alice, _ = resident("Alice")
    issue_id = post(alice, "Speeding on Mill Lane")
    for event, payload in [("room_size", {"count": 5}), ("room_count", {"issue_id": issue_id, "count": 1}),
                           ("raise_from_floor", {"text": "Parking on the verge"})]:
        ack = call(alice, event, payload)
        assert ack["ok"] is False and ack["error"] == "forbidden", event


def test_an_issue_from_the_floor_is_marked_and_public(resident, officer_sock):
    alice, _ = resident("Alice")
    ack = call(officer_sock, "raise_from_floor", {"text": "Parking on the grass verge by the school",
                                                  "category": "traffic"})
    assert ack["ok"] and ack["issue"]["raised_in_room"] is True
    [posted] = events(alice, "issue_posted")
    assert posted["raised_in_room"] is True and posted["text"].startswith("Parking on the grass")
    assert call(officer_sock, "raise_from_floor", {"text": "  "})["error"] == "empty"
