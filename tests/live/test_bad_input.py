"""Every kind of bad input gets a clear, stable refusal and changes nothing."""
import pytest
from sqlalchemy import func, select

from pact.extensions import db
from pact.models import Issue, Participant, Vote
from tests.helpers import call, received


def counts():
    return tuple(db.session.scalar(select(func.count(m.id))) for m in (Issue, Vote, Participant))


@pytest.mark.parametrize("event,payload,code", [
    ("post_issue", {"text": "x" * 1001}, "too_long"),
    ("post_issue", {"text": "   "}, "empty"),
    ("post_issue", {"text": ""}, "empty"),
    ("post_issue", {"text": "nul\x00byte"}, "invalid_characters"),
    ("post_issue", {"text": "esc\x1b[2J"}, "invalid_characters"),
    ("post_issue", {"text": 42}, "invalid_payload"),
    ("post_issue", {"text": None}, "invalid_payload"),
    ("post_issue", {}, "invalid_payload"),
    ("post_issue", {"text": "ok", "author_id": 1}, "invalid_payload"),
    ("post_issue", {"text": "ok", "category": "weather"}, "invalid_category"),
    ("post_issue", "just a string", "invalid_payload"),
    ("post_issue", ["text"], "invalid_payload"),
    ("post_issue", None, "invalid_payload"),
    ("vote", {"issue_id": "1"}, "invalid_payload"),
    ("vote", {"issue_id": True}, "invalid_payload"),
    ("vote", {"issue_id": 1.5}, "invalid_payload"),
    ("vote", {"issue_id": 999999}, "not_found"),
    ("vote", {"issue_id": 2**60}, "invalid_payload"),
    ("unvote", {"issue_id": 999999}, "not_found"),
    ("answer", {"issue_id": 1}, "invalid_payload"),
    ("set_stage", {"stage": 3}, "invalid_payload"),
    ("sync", {"extra": 1}, "invalid_payload"),
])
def test_bad_payloads_are_refused_and_change_nothing(resident, event, payload, code):
    alice, _ = resident("Alice")
    before = counts()
    ack = call(alice, event, payload)
    assert ack["ok"] is False and ack["error"] == code, ack
    assert isinstance(ack["message"], str) and len(ack["message"]) > 10
    assert counts() == before
    assert [n for n, _ in received(alice) if n in ("issue_posted", "issue_updated")] == []


@pytest.mark.parametrize("event", ["post_issue", "vote", "unvote", "answer", "set_stage", "sync"])
def test_commands_before_join_are_refused(connect, event):
    sock = connect()
    ack = call(sock, event, {"issue_id": 1, "text": "x", "stage": "live"} if event != "sync" else {})
    assert ack["ok"] is False and ack["error"] in ("not_joined", "invalid_payload")
    if event == "sync":
        assert ack["error"] == "not_joined"


@pytest.mark.parametrize("payload,code", [
    ({"meeting_id": 999999, "display_name": "A"}, "not_found"),
    ({"meeting_id": "1", "display_name": "A"}, "invalid_payload"),
    ({"display_name": "A"}, "invalid_payload"),
    ({"meeting_id": 1}, "invalid_payload"),
    ({"meeting_id": 1, "display_name": ""}, "empty"),
    ({"meeting_id": 1, "display_name": "x" * 41}, "too_long"),
    ({"meeting_id": 1, "display_name": "two\nlines"}, "invalid_characters"),
    ({"meeting_id": 1, "resume_token": "forged-token-forged-token"}, "invalid_token"),
    ({"meeting_id": 1, "display_name": "A", "role": "officer"}, "invalid_payload"),
])
def test_bad_joins(connect, meeting, payload, code):
    if payload.get("meeting_id") == 1:
        payload = {**payload, "meeting_id": meeting.id}
    sock = connect()
    ack = call(sock, "join", payload)
    assert ack["ok"] is False and ack["error"] == code, ack
    assert db.session.scalar(select(func.count(Participant.id))) == 0


def test_unknown_event_gets_an_answer(connect):
    sock = connect()
    ack = call(sock, "drop_tables", {"please": True})
    assert ack == {"ok": False, "error": "unknown_event", "message": "This server does not understand 'drop_tables'."}


def test_two_arguments_are_refused(resident):
    alice, _ = resident("Alice")
    ack = alice.emit("post_issue", {"text": "a"}, {"text": "b"}, namespace="/meeting", callback=True)
    assert ack["error"] == "invalid_payload"


def test_markup_is_stored_and_sent_as_plain_text(resident):
    alice, _ = resident("Alice")
    bob, _ = resident("Bob")
    payload = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    assert call(alice, "post_issue", {"text": payload})["issue"]["text"] == payload
    [(_, posted)] = received(bob, "issue_posted")
    assert posted["text"] == payload
    assert db.session.scalar(select(Issue.text)) == payload


def test_server_keeps_serving_others_after_garbage(resident):
    alice, _ = resident("Alice")
    bob, _ = resident("Bob")
    for junk in (None, 1, "x", [], {"text": {"nested": 1}}):
        assert call(alice, "post_issue", junk)["ok"] is False
    assert call(bob, "post_issue", {"text": "Still works"})["ok"] is True
