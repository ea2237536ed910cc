"""The gevent server's direct-write broadcast (pact/patches/gevent_broadcast.py), on a real process:
under a burst each socket still sees events in order, and a reader that stops reading neither
blocks the others nor stays connected."""
import socket
import threading

import pytest

from pact.extensions import db
from pact.meetings import issues
from pact.meetings.participants import join_resident
from pact.models import Stage, utcnow
from tests.realserver.wire import RawWebSocket

pytestmark = pytest.mark.realserver


@pytest.fixture
def busy_meeting(make_meeting):
    meeting = make_meeting(stage=Stage.LIVE)
    author, _ = join_resident(meeting, "Author", now=utcnow())
    ids = [issues.post_issue(meeting, author, f"Standing issue number {n}", None, now=utcnow()).issue.id
           for n in range(6)]
    db.session.commit()
    return meeting, ids


def _stalled_reader(port: int, meeting_id: int) -> RawWebSocket:
    """A resident that joins, then never reads again (a tiny receive buffer fills at once)."""
    ws = RawWebSocket(port)
    ws.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    assert ws.receive().startswith("0")
    ws.send_text("40/meeting,")
    ws.receive_until(lambda m: m.startswith("40/meeting,"))
    ws.send_text('42/meeting,1["join",{"meeting_id":' + str(meeting_id) + ',"display_name":"Stalled Sam"}]')
    ws.receive_until(lambda m: m.startswith("43/meeting,1"))
    return ws


def test_order_holds_under_a_burst_and_a_stalled_reader_is_dropped(server_factory, live_clients, busy_meeting):
    meeting, ids = busy_meeting
    server = server_factory(env={"PACT_ASYNC_MODE": "gevent", "PACT_RATE_LIMITS": "off", "PACT_PING_INTERVAL": "1",
                                 "PACT_PING_TIMEOUT": "1", "PACT_SOCKET_READ_TIMEOUT": "1"})
    watcher = live_clients(server.url, meeting.id, name="Watcher")
    stalled = _stalled_reader(server.port, meeting.id)
    voters = [live_clients(server.url, meeting.id, name=f"Voter {n}") for n in range(4)]
    poster = live_clients(server.url, meeting.id, name="Poster")
    watcher.wait_for("presence", lambda data: data["watching"] == 7)

    acks, posted = [], []

    def vote_all(voter):
        for issue_id in ids:
            acks.append(voter.call("vote", {"issue_id": issue_id}))

    def post_many():
        for n in range(15):
            ack = poster.call("post_issue", {"text": f"Burst issue {n} about parking on the verge"})
            posted.append(ack)
            if ack.get("ok"):  # a voter backs it at once (authors may not back their own)
                acks.append(voters[n % len(voters)].call("vote", {"issue_id": ack["issue"]["id"]}))

    threads = [threading.Thread(target=vote_all, args=(v,)) for v in voters] + [threading.Thread(target=post_many)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert all(ack["ok"] for ack in acks + posted), [a for a in acks + posted if not a["ok"]][:3]
    new_ids = [ack["issue"]["id"] for ack in posted]

    # The watcher ends up with every count, despite the stalled reader.
    final = {issue_id: len(voters) for issue_id in ids} | dict.fromkeys(new_ids, 1)
    seen: dict[int, int] = {}

    def caught_up(data) -> bool:  # called with each `tallies` received so far (under the client's lock)
        for issue, count in data.items():
            seen[int(issue)] = max(seen.get(int(issue), 0), count)
        return all(seen.get(issue_id) == count for issue_id, count in final.items())

    watcher.wait_for("tallies", caught_up, timeout=30)

    # Order: issues arrive in the order posted, counts never go down, and no tally names an issue
    # before the watcher heard it was posted.
    known, last, arrived = set(ids), {}, []
    with watcher.lock:
        events = list(watcher.events)
    for name, data in events:
        if name == "issue_posted":
            known.add(data["id"])
            arrived.append(data["id"])
        elif name == "tallies":
            for issue, count in data.items():
                assert int(issue) in known, f"tally for {issue} before its issue_posted"
                assert count >= last.get(int(issue), 0)
                last[int(issue)] = count
    assert arrived == sorted(arrived) and set(new_ids) <= set(arrived)

    # The stalled reader is dropped: the room counts one fewer.
    watcher.wait_for("presence", lambda data: data["watching"] == 6, timeout=60)
    stalled.close()
