"""The /meeting protocol through Flask-SocketIO's test client: acks, and who receives what."""
import pytest
from sqlalchemy import func, select

from pact.extensions import db
from pact.models import Issue, Stage, Vote
from tests.helpers import call, received, wait_for


def test_join_gives_participant_token_and_state(connect, meeting):
    sock = connect()
    ack = call(sock, "join", {"meeting_id": meeting.id, "display_name": "Alice"})
    assert ack["ok"] is True
    assert ack["participant"]["display_name"] == "Alice" and ack["participant"]["role"] == "resident"
    assert len(ack["resume_token"]) >= 32
    state = ack["state"]
    assert state["meeting"] == {**state["meeting"], "id": meeting.id, "title": "Riverside PACT", "beat": "Riverside",
                                "stage": "live"}
    assert state["issues"] == [] and state["presence"]["watching"] >= 1
    assert ("state", state) in received(sock)


def test_post_is_acked_and_broadcast_to_the_room_but_not_to_another_meeting(resident, make_meeting):
    other = make_meeting(title="Elsewhere")
    alice, _ = resident("Alice")
    bob, _ = resident("Bob")
    stranger, _ = resident("Stranger", target=other)
    ack = call(alice, "post_issue", {"text": "Speeding on Mill Lane", "category": "traffic"})
    assert ack["ok"] and ack["issue"]["text"] == "Speeding on Mill Lane" and ack["issue"]["status"] == "open"
    assert ack["issue"]["my_vote"] is False
    posted = [p for name, p in received(bob) if name == "issue_posted"]
    assert [p["text"] for p in posted] == ["Speeding on Mill Lane"]
    assert posted[0]["author"] == "Alice" and "my_vote" not in posted[0]
    assert [n for n, _ in received(stranger) if n == "issue_posted"] == []


def test_votes_are_counted_once_and_tallies_are_coalesced(resident):
    alice, _ = resident("Alice")
    bob, _ = resident("Bob")
    carl, _ = resident("Carl")
    issue_id = call(carl, "post_issue", {"text": "Litter by the school"})["issue"]["id"]
    assert call(bob, "vote", {"issue_id": issue_id}) == {"ok": True}
    refused = call(bob, "vote", {"issue_id": issue_id})
    assert refused["ok"] is False and refused["error"] == "duplicate"
    assert call(alice, "vote", {"issue_id": issue_id}) == {"ok": True}
    tallies = wait_for(alice, "tallies", predicate=lambda t: t.get(str(issue_id)) == 2)
    assert tallies == {str(issue_id): 2}
    assert db.session.scalar(select(func.count(Vote.id))) == 2
    assert call(bob, "unvote", {"issue_id": issue_id}) == {"ok": True}
    assert wait_for(alice, "tallies", predicate=lambda t: t.get(str(issue_id)) == 1) == {str(issue_id): 1}


def test_a_burst_of_votes_becomes_few_tally_messages(app, resident):
    author, _ = resident("Author")
    issue_id = call(author, "post_issue", {"text": "Parking on the pavement"})["issue"]["id"]
    voters = [resident(f"Voter {n}")[0] for n in range(12)]
    watcher = voters[0]
    received(watcher)
    for sock in voters:
        assert call(sock, "vote", {"issue_id": issue_id}) == {"ok": True}
    final = wait_for(watcher, "tallies", predicate=lambda t: t.get(str(issue_id)) == 12)
    assert final == {str(issue_id): 12}


def test_resume_token_restores_the_same_participant_and_votes(connect, resident, meeting):
    alice, ack = resident("Alice")
    bob, _ = resident("Bob")
    issue_id = call(bob, "post_issue", {"text": "Dog fouling in the park"})["issue"]["id"]
    assert call(alice, "vote", {"issue_id": issue_id})["ok"]
    alice.disconnect("/meeting")
    again = connect()
    resumed = call(again, "join", {"meeting_id": meeting.id, "resume_token": ack["resume_token"]})
    assert resumed["ok"] and resumed["participant"]["id"] == ack["participant"]["id"]
    [issue] = resumed["state"]["issues"]
    assert issue["my_vote"] is True and issue["votes"] == 1
    assert call(again, "vote", {"issue_id": issue_id})["error"] == "duplicate"


def test_officer_answers_and_everyone_sees_it(connect, staff_client, resident, meeting):
    alice, _ = resident("Alice")
    issue_id = call(alice, "post_issue", {"text": "Bikes stolen at the station"})["issue"]["id"]
    officer = connect(staff_client)
    joined = call(officer, "join", {"meeting_id": meeting.id})
    assert joined["ok"] and joined["participant"]["role"] == "officer"
    assert call(officer, "answer", {"issue_id": issue_id, "text": "We'll patrol there from Friday."}) == {"ok": True}
    [update] = [p for n, p in received(alice) if n == "issue_updated"]
    assert update["status"] == "answered"
    assert update["answer"]["text"] == "We'll patrol there from Friday." and update["answer"]["by"] == "PC Jones"


def test_officer_changes_stage_and_room_hears(connect, staff_client, resident, meeting):
    alice, _ = resident("Alice")
    officer = connect(staff_client)
    call(officer, "join", {"meeting_id": meeting.id})
    assert call(officer, "set_stage", {"stage": "voting"})["ok"]
    assert ("stage_changed", {"stage": "voting"}) in received(alice)
    assert call(alice, "post_issue", {"text": "Too late?"})["error"] == "wrong_stage"
    assert call(officer, "set_stage", {"stage": "closed"})["error"] == "invalid_payload"
    assert call(officer, "set_stage", {"stage": "scheduled"})["error"] == "invalid_payload"
    assert call(officer, "set_stage", {"stage": "party"})["error"] == "invalid_payload"
    db.session.expire_all()
    assert meeting.stage is Stage.VOTING


OFFICER_COMMANDS = [
    ("answer", {"issue_id": 1, "text": "x"}),
    ("set_stage", {"stage": "voting"}),
]


@pytest.mark.parametrize("event,payload", OFFICER_COMMANDS)
def test_resident_cannot_send_officer_commands(resident, meeting, event, payload):
    alice, _ = resident("Alice")
    issue_id = call(alice, "post_issue", {"text": "Graffiti on the underpass"})["issue"]["id"]
    payload = {**payload, "issue_id": issue_id} if "issue_id" in payload else payload
    ack = call(alice, event, payload)
    assert ack["ok"] is False and ack["error"] == "forbidden" and ack["message"]
    db.session.expire_all()
    assert meeting.stage is Stage.LIVE
    assert db.session.get(Issue, issue_id).answer is None


def test_officer_of_another_beat_cannot_act(app, connect, make_beat, make_user, resident, meeting):
    from tests.helpers import sign_in

    alice, _ = resident("Alice")
    issue_id = call(alice, "post_issue", {"text": "Noise"})["issue"]["id"]
    outsider = make_user("other@example.org", "officer", [make_beat("hilltop", "Hilltop")])
    http = app.test_client()
    sign_in(http, outsider.email)
    sock = connect(http)
    assert call(sock, "join", {"meeting_id": meeting.id})["error"] == "forbidden"
    watched = call(sock, "join", {"meeting_id": meeting.id, "display_name": "Off duty"})
    assert watched["ok"] and watched["participant"]["role"] == "resident"
    assert call(sock, "answer", {"issue_id": issue_id, "text": "hi"})["error"] == "forbidden"
