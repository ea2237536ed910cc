"""shortlist, merge, close and verdict over /meeting: acks, who receives what, and refusals that change nothing."""
import pytest
from sqlalchemy import func, select

from pact.extensions import db
from pact.meetings import priorities
from pact.models import AuditEntry, Issue, Priority, PriorityVerdict, Stage, Vote, VoteKind
from tests.helpers import call, events, post, received, wait_for


def test_shortlist_reaches_the_room_and_no_other_meeting(resident, officer_sock, make_meeting):
    alice, _ = resident("Alice")
    stranger, _ = resident("Stranger", target=make_meeting(title="Elsewhere"))
    first, second = post(alice, "Speeding on Mill Lane"), post(alice, "Litter in the park")
    received(alice)
    ack = call(officer_sock, "shortlist", {"issue_ids": [second, first]})
    assert ack == {"ok": True, "shortlist": sorted([first, second])}
    updates = events(alice, "issue_updated")
    assert {u["id"] for u in updates} == {first, second} and all(u["shortlisted"] for u in updates)
    assert events(stranger, "issue_updated") == []
    assert call(officer_sock, "shortlist", {"issue_ids": [first]})["ok"]
    assert [(u["id"], u["shortlisted"]) for u in events(alice, "issue_updated")] == [(second, False)]


@pytest.mark.parametrize("event,payload", [
    ("shortlist", {"issue_ids": []}),
    ("merge", {"issue_id": 1, "into_issue_id": 2}),
    ("close", {"priorities": [{"issue_id": 1, "action": "x"}]}),
])
def test_residents_cannot_decide(resident, meeting, event, payload):
    alice, _ = resident("Alice")
    ids = [post(alice, "One"), post(alice, "Two")]
    if event == "merge":
        payload = {"issue_id": ids[0], "into_issue_id": ids[1]}
    ack = call(alice, event, payload)
    assert ack["ok"] is False and ack["error"] == "forbidden"
    db.session.expire_all()
    assert meeting.stage is Stage.LIVE and db.session.scalar(select(func.count(Priority.id))) == 0
    assert db.session.scalar(select(func.count(Issue.id)).where(Issue.merged_into_id.is_not(None))) == 0


def test_merge_moves_votes_once_and_tells_the_voters(resident, officer_sock):
    alice, _ = resident("Alice")
    bob, _ = resident("Bob")
    carl, _ = resident("Carl")  # raises both: no one supports their own issue
    target, duplicate = post(carl, "Speeding on Mill Lane"), post(carl, "Speeding Mill Ln again")
    for sock, issue in ((alice, duplicate), (bob, duplicate), (bob, target)):
        assert call(sock, "vote", {"issue_id": issue}) == {"ok": True}
    received(alice), received(bob)
    ack = call(officer_sock, "merge", {"issue_id": duplicate, "into_issue_id": target})
    assert ack == {"ok": True, "issue_id": duplicate, "into_issue_id": target}
    alice_updates = events(alice, "issue_updated")
    gone = [u for u in alice_updates if u["id"] == duplicate]
    assert gone and gone[0]["status"] == "merged" and gone[0]["text"] == ""
    mine = [u for u in alice_updates if u["id"] == target and u.get("my_vote")]
    assert mine and mine[-1]["votes"] == 2
    assert not [u for u in events(bob, "issue_updated") if u["id"] == target and u.get("my_vote")]
    wait_for(bob, "tallies", predicate=lambda t: t.get(str(target)) == 2)
    assert db.session.scalar(select(func.count(Vote.id))) == 2
    assert call(officer_sock, "merge", {"issue_id": duplicate, "into_issue_id": target})["error"] == "already_merged"
    assert call(alice, "vote", {"issue_id": duplicate})["error"] == "not_found"


def test_close_agrees_priorities_and_ends_the_meeting_for_everyone(resident, officer_sock, meeting, make_meeting):
    alice, _ = resident("Alice")
    bob, _ = resident("Bob")
    stranger, _ = resident("Stranger", target=make_meeting(title="Elsewhere"))
    first, second = post(bob, "Speeding on Mill Lane"), post(bob, "Litter in the park")
    assert call(officer_sock, "shortlist", {"issue_ids": [first, second]})["ok"]
    assert call(officer_sock, "set_stage", {"stage": "voting"})["ok"]
    assert call(alice, "vote", {"issue_id": second}) == {"ok": True}
    received(alice), received(stranger)
    ack = call(officer_sock, "close", {"priorities": [
        {"issue_id": second, "action": "Litter pick", "owner": "PCSO Khan", "review_on": "2099-01-31"},
        {"issue_id": first, "action": "Speed checks", "owner": None, "review_on": None},
    ]})
    assert ack["ok"] and ack["summary_url"] == f"/meetings/{meeting.id}/summary"
    got = received(alice)
    assert ("stage_changed", {"stage": "closed"}) in got
    assert ("meeting_closed", {"summary_url": ack["summary_url"]}) in got
    assert [n for n, _ in received(stranger) if n in ("stage_changed", "meeting_closed")] == []
    assert call(alice, "post_issue", {"text": "Too late"})["error"] == "wrong_stage"
    assert call(alice, "vote", {"issue_id": first})["error"] == "wrong_stage"
    db.session.expire_all()
    saved = db.session.scalars(select(Priority).order_by(Priority.position)).all()
    assert [(p.text, p.votes, p.owner, str(p.review_on)) for p in saved] == [
        ("Litter in the park", 1, "PCSO Khan", "2099-01-31"), ("Speeding on Mill Lane", 0, None, "None")]
    assert meeting.stage is Stage.CLOSED
    assert {"shortlist", "close"} <= set(db.session.scalars(select(AuditEntry.action)))


@pytest.mark.parametrize("payload,code", [
    ({"priorities": []}, "empty"),
    ({"priorities": [{"issue_id": 999999, "action": "x"}]}, "not_found"),
    ({"priorities": [{"issue_id": "FIRST", "action": ""}]}, "empty"),
    ({"priorities": [{"issue_id": "FIRST", "action": "x", "review_on": "tomorrow"}]}, "invalid_date"),
    ({"priorities": [{"issue_id": "FIRST", "action": "x"}, {"issue_id": "FIRST", "action": "y"}]}, "duplicate"),
    ({"priorities": "all of them"}, "invalid_payload"),
    ({"priorities": [{"issue_id": "FIRST", "action": "x"}], "stage": "closed"}, "invalid_payload"),
    ({"priorities": [{"issue_id": "FIRST", "action": "x"}] * 51}, "invalid_payload"),
])
def test_bad_close_is_refused_clearly_and_changes_nothing(resident, officer_sock, meeting, payload, code):
    alice, _ = resident("Alice")
    first = post(alice, "Speeding on Mill Lane")
    if isinstance(payload["priorities"], list):
        payload = {**payload, "priorities": [
            {**item, "issue_id": first} if item.get("issue_id") == "FIRST" else item for item in payload["priorities"]]}
    received(alice)
    ack = call(officer_sock, "close", payload)
    assert ack["ok"] is False and ack["error"] == code and ack["message"]
    assert [n for n, _ in received(alice) if n in ("stage_changed", "meeting_closed")] == []
    db.session.expire_all()
    assert meeting.stage is Stage.LIVE and db.session.scalar(select(func.count(Priority.id))) == 0


def test_close_in_a_scheduled_meeting_is_out_of_turn(connect, staff_client, make_meeting):
    early = make_meeting(stage=Stage.SCHEDULED)
    sock = connect(staff_client)
    assert call(sock, "join", {"meeting_id": early.id})["ok"]
    issue = post(sock, "Agenda item")
    ack = call(sock, "close", {"priorities": [{"issue_id": issue, "action": "x"}]})
    assert ack["error"] == "wrong_stage" and "scheduled" in ack["message"]


@pytest.fixture
def next_meeting(meeting, officer, make_meeting):
    """The beat's last meeting closed with one priority; the next one is live."""
    from pact.meetings.issues import post_issue
    from pact.meetings.participants import join_resident
    from pact.models import utcnow

    now = utcnow()
    author, _ = join_resident(meeting, "Alice", now=now)
    issue = post_issue(meeting, author, "Speeding on Mill Lane", None, now=now).issue
    [agreed] = priorities.close_meeting(meeting, [{"issue_id": issue.id, "action": "Speed checks"}], user=officer, now=now)
    db.session.commit()
    return make_meeting(title="Next month"), agreed


def test_next_meeting_opens_with_the_review_and_records_verdicts(connect, resident, staff_client, next_meeting):
    following, agreed = next_meeting
    staff = connect(staff_client)
    staff_state = call(staff, "join", {"meeting_id": following.id})["state"]
    assert staff_state["review"][0]["verdicts"] == {"dealt_with": 0, "not_dealt_with": 0}
    sock, ack = resident("Dan", target=following)
    [item] = ack["state"]["review"]
    assert (item["id"], item["text"], item["action"], item["my_verdict"]) == (agreed.id, "Speeding on Mill Lane",
                                                                             "Speed checks", None)
    assert "verdicts" not in item
    received(staff)
    assert call(sock, "verdict", {"priority_id": agreed.id, "verdict": "dealt_with"}) == {
        "ok": True, "priority_id": agreed.id, "verdict": "dealt_with"}
    assert ("verdicts", {"priority_id": agreed.id, "dealt_with": 1, "not_dealt_with": 0}) in received(staff)
    assert call(sock, "verdict", {"priority_id": agreed.id, "verdict": "not_dealt_with"})["ok"]
    assert events(sock, "verdicts") == []
    assert call(sock, "sync")["state"]["review"][0]["my_verdict"] == "not_dealt_with"
    assert call(sock, "verdict", {"priority_id": agreed.id, "verdict": "meh"})["error"] == "invalid_payload"
    assert call(sock, "verdict", {"priority_id": 999999, "verdict": "dealt_with"})["error"] == "not_found"
    assert call(staff, "verdict", {"priority_id": agreed.id, "verdict": "dealt_with"})["error"] == "forbidden"
    db.session.expire_all()
    assert [v.verdict.value for v in db.session.scalars(select(PriorityVerdict))] == ["not_dealt_with"]


def test_priority_votes_follow_the_shortlist_and_the_limit(resident, officer_sock, meeting):
    alice, _ = resident("Alice")
    bob, _ = resident("Bob")
    ids = [post(bob, f"Issue number {n}") for n in range(5)]
    assert call(officer_sock, "shortlist", {"issue_ids": ids[:4]})["ok"]
    assert call(officer_sock, "set_stage", {"stage": "voting"})["ok"]
    assert call(alice, "vote", {"issue_id": ids[4]})["error"] == "not_shortlisted"
    assert [call(alice, "vote", {"issue_id": i})["ok"] for i in ids[:3]] == [True] * 3
    refused = call(alice, "vote", {"issue_id": ids[3]})
    assert refused["error"] == "vote_limit_reached" and refused["limit"] == 3
    assert db.session.scalar(select(func.count(Vote.id)).where(Vote.kind == VoteKind.PRIORITY)) == 3
