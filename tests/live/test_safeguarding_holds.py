"""Safeguarding over the live protocol: the ack of a hold, who hears of it, and redacted posts."""
import csv
import io

from tests.helpers import call, received

EMERGENCY = "There is a fire and someone is hurt, come now"
WELFARE = "I can't go on any more, I've decided to end it tonight"
ORIGINAL = "Boy racers every night by the garages, ring me on 07700 900123 for the footage"
REDACTED = "Boy racers every night by the garages"


def _officer(connect, staff_client, meeting):
    sock = connect(staff_client)
    assert call(sock, "join", {"meeting_id": meeting.id})["ok"]
    received(sock)
    return sock


def test_the_ack_of_a_hold_carries_the_code_and_where_to_go(resident):
    alice, _ = resident("Alice")
    emergency = call(alice, "post_issue", {"text": EMERGENCY})
    assert emergency["ok"] and emergency["hold"] == "emergency" and emergency["issue"]["status"] == "held"
    assert "999" in emergency["message"]
    welfare = call(alice, "post_issue", {"text": WELFARE})
    assert welfare["hold"] == "welfare" and "999" in welfare["message"] and "116 123" in welfare["message"]
    accused = call(alice, "post_issue", {"text": "Dave Smith deals drugs from his car"})
    assert accused["hold"] == "accusation" and "101" in accused["message"]
    public = call(alice, "post_issue", {"text": "Potholes on the A38 near the school"})
    assert public["ok"] and "hold" not in public and public["issue"]["status"] == "open"


def test_an_emergency_reaches_staff_only_and_leads_the_queue(connect, staff_client, resident, meeting):
    officer = _officer(connect, staff_client, meeting)
    alice, _ = resident("Alice")
    bob, _ = resident("Bob")
    call(alice, "post_issue", {"text": "ring me on 07700 900123"})
    call(alice, "post_issue", {"text": EMERGENCY})
    to_staff = [p for n, p in received(officer) if n == "issue_posted"]
    assert [p["hold_reason"] for p in to_staff] == ["phone_number", "emergency"]
    assert [n for n, _ in received(bob) if n != "presence"] == []
    assert EMERGENCY not in str(call(bob, "sync"))
    newcomer = connect()
    assert EMERGENCY not in str(call(newcomer, "join", {"meeting_id": meeting.id, "display_name": "New"}))


def test_a_redacted_post_reaches_residents_only_as_edited(app, connect, staff_client, resident, meeting, beat, client):
    officer = _officer(connect, staff_client, meeting)
    alice, alice_ack = resident("Alice")
    bob, _ = resident("Bob")
    held = call(alice, "post_issue", {"text": ORIGINAL})
    assert held["hold"] == "phone_number"
    issue_id = held["issue"]["id"]
    received(officer)
    # Refusals change nothing.
    assert call(officer, "moderate", {"issue_id": issue_id, "action": "redact"})["error"] == "invalid_payload"
    assert call(officer, "moderate", {"issue_id": issue_id, "action": "redact", "text": "  "})["error"] == "empty"
    same = call(officer, "moderate", {"issue_id": issue_id, "action": "redact", "text": ORIGINAL})
    assert same["error"] == "unchanged"
    assert call(bob, "moderate", {"issue_id": issue_id, "action": "redact", "text": REDACTED})["error"] == "forbidden"
    assert [n for n, _ in received(bob) if n != "presence"] == []
    # The officer publishes the edit.
    ack = call(officer, "moderate", {"issue_id": issue_id, "action": "redact", "text": REDACTED,
                                     "reason": "Phone number removed"})
    assert ack["ok"] and ack["issue"]["text"] == REDACTED and ack["issue"]["original_text"] == ORIGINAL
    [published] = [p for n, p in received(bob) if n == "issue_posted"]
    assert published["text"] == REDACTED and "original_text" not in published
    assert ORIGINAL not in str(received(alice))
    staff_view = [p for n, p in received(officer) if n == "issue_updated"][-1]
    assert staff_view["original_text"] == ORIGINAL
    # No resident read path carries the original: sync, join, resume, pages, feeds, exports.
    assert "07700" not in str(call(bob, "sync"))
    again = connect()
    resumed = call(again, "join", {"meeting_id": meeting.id, "resume_token": alice_ack["resume_token"]})
    assert resumed["ok"] and "07700" not in str(resumed)
    watcher = connect()
    assert "07700" not in str(call(watcher, "watch", {"meeting_id": meeting.id}))
    assert call(officer, "set_stage", {"stage": "voting"})["ok"]
    closed = call(officer, "close", {"priorities": [{"issue_id": issue_id, "action": "Patrols at the garages"}]})
    assert closed["ok"], closed
    for path in (f"/meetings/{meeting.id}", f"/meetings/{meeting.id}/summary", f"/beats/{beat.slug}",
                 f"/beats/{beat.slug}/priorities.json", f"/beats/{beat.slug}/feed.atom", "/",
                 f"/beats/{beat.slug}/calendar.ics", f"/meetings/{meeting.id}/export.json",
                 f"/meetings/{meeting.id}/audit.csv", f"/export/priorities.csv?beat={beat.slug}"):
        response = client.get(path)
        assert "07700" not in response.get_data(as_text=True), path
    assert REDACTED in client.get(f"/meetings/{meeting.id}/summary").get_data(as_text=True)
    # Staff of the beat see both versions: the export keeps the original, the audit log both, with the code.
    export = staff_client.get(f"/meetings/{meeting.id}/export.json").get_json()
    [row] = [i for i in export["issues"] if i["id"] == issue_id]
    assert row["original_text"] == ORIGINAL
    audit = list(csv.DictReader(io.StringIO(staff_client.get(f"/meetings/{meeting.id}/audit.csv")
                                            .get_data(as_text=True).lstrip("\ufeff"))))
    [redact] = [r for r in audit if r["action"] == "redact"]
    assert ORIGINAL in redact["reason"] and REDACTED in redact["reason"] and redact["hold"] == "phone_number"
    assert [r["hold"] for r in audit if r["action"] == "hold"] == ["phone_number"]


def test_redact_is_refused_for_hidden_posts_and_other_actions_take_no_text(connect, staff_client, resident, meeting):
    officer = _officer(connect, staff_client, meeting)
    alice, _ = resident("Alice")
    issue_id = call(alice, "post_issue", {"text": "email me jo@example.org"})["issue"]["id"]
    with_text = call(officer, "moderate", {"issue_id": issue_id, "action": "approve", "text": "x"})
    assert with_text["error"] == "invalid_payload"
    assert call(officer, "moderate", {"issue_id": issue_id, "action": "hide"})["ok"]
    refused = call(officer, "moderate", {"issue_id": issue_id, "action": "redact", "text": "email me"})
    assert refused["error"] == "wrong_state"


def test_joins_and_votes_never_pass_through_the_check(monkeypatch, resident):
    from pact.meetings import safeguarding

    alice, _ = resident("Alice")
    issue_id = call(alice, "post_issue", {"text": "Potholes on the A38 near the school"})["issue"]["id"]
    calls = []
    monkeypatch.setattr(safeguarding, "check_post", lambda *a, **k: calls.append(a))
    bob, _ = resident("Bob")
    assert call(bob, "vote", {"issue_id": issue_id})["ok"]
    assert call(bob, "unvote", {"issue_id": issue_id})["ok"]
    assert calls == []


def test_a_check_that_fails_holds_the_post_and_keeps_it(monkeypatch, resident, connect, meeting):
    from pact.meetings import safeguarding

    def broken(_text):
        raise RuntimeError("a bug in a rule")

    monkeypatch.setattr(safeguarding.personal, "has_phone_number", broken)
    alice, _ = resident("Alice")
    bob, _ = resident("Bob")
    ack = call(alice, "post_issue", {"text": "Potholes on the A38 near the school"})
    assert ack["ok"] and ack["hold"] == "check_failed" and ack["issue"]["status"] == "held"
    assert [n for n, _ in received(bob) if n != "presence"] == []
    assert "Potholes" in str(call(alice, "sync"))  # kept: the author still has it
