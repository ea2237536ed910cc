"""What a resident joining a busy room is given: the shared, cached public view (pact/live/snapshots.py)
must never show them less than a fresh read would, whatever happened in the room just before."""
from pact.extensions import db
from pact.live.snapshots import SnapshotCache
from tests.helpers import call, wait_for


def _newcomer_state(connect, meeting, name):
    ack = call(connect(), "join", {"meeting_id": meeting.id, "display_name": name})
    assert ack["ok"], ack
    return ack["state"]


def _by_id(state):
    return {i["id"]: i for i in state["issues"]}


def test_each_newcomer_sees_what_changed_since_the_last_one_joined(connect, staff_client, resident, meeting):
    alice, _ = resident("Alice")
    assert _newcomer_state(connect, meeting, "First")["issues"] == []  # the view is now cached
    kept = call(alice, "post_issue", {"text": "Speeding on Mill Lane"})["issue"]["id"]
    doomed = call(alice, "post_issue", {"text": "Something off topic"})["issue"]["id"]
    assert set(_by_id(_newcomer_state(connect, meeting, "Second"))) == {kept, doomed}

    officer = connect(staff_client)
    call(officer, "join", {"meeting_id": meeting.id})
    assert call(officer, "moderate", {"issue_id": doomed, "action": "hide", "reason": "off topic"})["ok"]
    assert call(officer, "answer", {"issue_id": kept, "text": "We will patrol on Friday."})["ok"]
    third = _by_id(_newcomer_state(connect, meeting, "Third"))
    assert set(third) == {kept}
    assert third[kept]["answer"]["text"] == "We will patrol on Friday." and third[kept]["my_vote"] is False

    assert call(officer, "set_stage", {"stage": "voting"})["ok"]
    assert _newcomer_state(connect, meeting, "Fourth")["meeting"]["stage"] == "voting"


def test_newcomers_get_the_counts_the_room_has_been_sent(connect, resident, meeting):
    alice, _ = resident("Alice")
    issue_id = call(alice, "post_issue", {"text": "Litter by the school"})["issue"]["id"]
    _newcomer_state(connect, meeting, "Early")  # cache the view while the count is 0
    voters = [resident(f"Voter {n}")[0] for n in range(3)]
    for sock in voters:
        assert call(sock, "vote", {"issue_id": issue_id}) == {"ok": True}
    wait_for(alice, "tallies", predicate=lambda t: t.get(str(issue_id)) == 3)
    late = connect()
    ack = call(late, "join", {"meeting_id": meeting.id, "display_name": "Late"})
    assert _by_id(ack["state"])[issue_id]["votes"] == 3
    # …and every change after that.
    assert call(voters[0], "unvote", {"issue_id": issue_id}) == {"ok": True}
    assert wait_for(late, "tallies", predicate=lambda t: str(issue_id) in t) == {str(issue_id): 2}


def test_returning_residents_get_counts_read_now(connect, resident, meeting):
    alice, ack = resident("Alice")
    issue_id = call(alice, "post_issue", {"text": "Bins not collected"})["issue"]["id"]
    bob, _ = resident("Bob")
    assert call(bob, "vote", {"issue_id": issue_id}) == {"ok": True}
    resumed = call(connect(), "join", {"meeting_id": meeting.id, "resume_token": ack["resume_token"]})
    issue = _by_id(resumed["state"])[issue_id]
    assert issue["votes"] == 1 and issue["my_vote"] is False and issue["mine"] is True
    synced = call(bob, "sync")
    assert _by_id(synced["state"])[issue_id]["my_vote"] is True


def test_the_cache_drops_a_view_when_a_public_event_reaches_the_room(app, meeting):
    cache, meeting_id = SnapshotCache(ttl=60), meeting.id
    with app.app_context():
        version, view = cache.view(meeting_id)
        assert cache.view(meeting_id) == (version, view)  # held
        cache.observe("tallies", f"meeting:{meeting_id}")  # counts travel separately
        cache.observe("issue_posted", f"meeting:{meeting_id}:staff")  # staff-only: not public
        cache.observe("issue_posted", f"meeting:{meeting_id + 1}")  # another meeting
        assert cache.view(meeting_id)[0] == version
        cache.observe("issue_posted", f"meeting:{meeting_id}")
        assert cache.version(meeting_id) != version and cache.view(meeting_id)[1] is not view
        db.session.remove()


def test_the_cache_forgets_views_after_ttl_and_after_a_queue_outage(app, meeting):
    meeting_id = meeting.id
    with app.app_context():
        short = SnapshotCache(ttl=0)
        assert short.view(meeting_id)[1] is not short.view(meeting_id)[1]  # ttl 0: read every time
        cache = SnapshotCache(ttl=60)
        version, view = cache.view(meeting_id)
        cache.clear()
        assert cache.view(meeting_id)[1] is not view
        db.session.remove()


def test_disconnecting_leaves_every_room(app, connect, meeting):
    sock = connect()
    assert call(sock, "join", {"meeting_id": meeting.id, "display_name": "Alice"})["ok"]
    manager = app.extensions["socketio"].server.manager
    sid = manager.sid_from_eio_sid(sock.eio_sid, "/meeting")
    assert set(manager.get_rooms(sid, "/meeting")) >= {f"meeting:{meeting.id}", sid}
    sock.disconnect("/meeting")
    rooms = manager.rooms.get("/meeting", {})
    assert all(sid not in members for members in rooms.values())
    assert manager.get_rooms(sid, "/meeting") == []
