"""Staff authors are marked by the server, and residents cannot name themselves as staff (issue #11, M7)."""
import pytest

from tests.helpers import call, received


def test_issue_says_whether_its_author_is_staff(officer_sock, resident, meeting, client):
    alice, _ = resident("Alice")
    mine = call(alice, "post_issue", {"text": "Bins left out on Mill Lane"})["issue"]
    theirs = call(officer_sock, "post_issue", {"text": "We will patrol the park on Fridays"})["issue"]
    assert mine["staff"] is False and theirs["staff"] is True
    posted = {p["id"]: p["staff"] for n, p in received(alice) if n == "issue_posted"}
    assert posted[theirs["id"]] is True
    state = call(alice, "sync")["state"]
    assert {i["id"]: i["staff"] for i in state["issues"]} == {mine["id"]: False, theirs["id"]: True}
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert page.count('class="badge badge-staff"') == 1  # the page before the script runs: the officer's post only


@pytest.mark.parametrize("name", ["PC Demo (demo officer)", "P.C. Demo", "Sgt Bloggs", "\u0420\u0421 Demo", "P0lice"])
def test_a_resident_naming_themselves_as_staff_is_refused(connect, meeting, name):
    sock = connect()
    ack = call(sock, "join", {"meeting_id": meeting.id, "display_name": name})
    assert ack["ok"] is False and ack["error"] == "reserved_name", ack
    assert "choose another name" in ack["message"]
    assert call(sock, "join", {"meeting_id": meeting.id, "display_name": "Pat Carter"})["ok"]


def test_staff_keep_their_titles(officer_sock, staff_client, meeting, connect):
    ack = call(connect(staff_client), "join", {"meeting_id": meeting.id})
    assert ack["participant"]["display_name"] == "PC Jones" and ack["participant"]["role"] == "officer"
