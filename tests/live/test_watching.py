"""Watching without a name: most residents only watch, and must still see the meeting live."""
from tests.helpers import call, received, wait_for


def test_watcher_gets_state_and_live_events_but_cannot_take_part(connect, resident, meeting):
    alice, _ = resident("Alice")
    call(alice, "post_issue", {"text": "Street lights out on Elm Road"})
    viewer = connect()
    ack = call(viewer, "watch", {"meeting_id": meeting.id})
    assert ack["ok"] is True
    assert [i["text"] for i in ack["state"]["issues"]] == ["Street lights out on Elm Road"]
    assert all("my_vote" not in i for i in ack["state"]["issues"])
    received(viewer)
    posted = call(alice, "post_issue", {"text": "Cars parked on the zebra crossing"})
    # (a coalesced presence count may come too, at any time: only the post matters here)
    assert posted["issue"]["text"] in [p["text"] for n, p in received(viewer) if n == "issue_posted"]
    assert call(viewer, "post_issue", {"text": "Let me in"})["error"] == "not_joined"
    assert call(viewer, "vote", {"issue_id": posted["issue"]["id"]})["error"] == "not_joined"


def test_watchers_are_counted_once_each_and_joining_does_not_double_count(connect, resident, meeting):
    alice, _ = resident("Alice")
    viewers = [connect() for _ in range(3)]
    for viewer in viewers:
        assert call(viewer, "watch", {"meeting_id": meeting.id})["ok"]
    assert wait_for(alice, "presence", predicate=lambda p: p["watching"] == 4) == {"watching": 4}
    assert call(viewers[0], "join", {"meeting_id": meeting.id, "display_name": "Now talking"})["ok"]
    viewers[1].disconnect("/meeting")
    assert wait_for(alice, "presence", predicate=lambda p: p["watching"] == 3) == {"watching": 3}


def test_watching_an_unknown_meeting_is_refused(connect):
    ack = call(connect(), "watch", {"meeting_id": 424242})
    assert ack["ok"] is False and ack["error"] == "not_found"


def test_held_posts_never_reach_watchers(connect, resident, meeting):
    viewer = connect()
    call(viewer, "watch", {"meeting_id": meeting.id})
    received(viewer)
    alice, _ = resident("Alice")
    held = call(alice, "post_issue", {"text": "My neighbour at 12 Elm Road deals drugs, call me on 07700 900123"})
    assert held["ok"] and held["issue"]["status"] == "held"
    assert [n for n, _ in received(viewer) if n in ("issue_posted", "issue_updated")] == []
    again = call(connect(), "watch", {"meeting_id": meeting.id})
    assert again["state"]["issues"] == []
