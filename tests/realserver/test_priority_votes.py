"""The real server, real sockets: one resident in two tabs fires all their priority votes at once,
and the limit still holds; then the officer closes and both tabs hear it."""
import threading

import pytest
from sqlalchemy import func, select

from pact.extensions import db
from pact.meetings import issues, priorities
from pact.meetings.participants import join_resident
from pact.models import Participant, Stage, Vote, VoteKind, utcnow
from tests.helpers import TEST_PASSWORD
from tests.realserver.harness import LiveClient, close_all, staff_cookie

pytestmark = pytest.mark.realserver
ISSUES = 8


@pytest.fixture
def voting_meeting(make_meeting, officer):
    meeting = make_meeting(stage=Stage.LIVE, votes=3)
    author, _ = join_resident(meeting, "Author", now=utcnow())
    ids = [issues.post_issue(meeting, author, f"Shortlisted issue {n}", None, now=utcnow()).issue.id for n in range(ISSUES)]
    priorities.set_shortlist(meeting, ids, user=officer, now=utcnow())
    meeting.stage, meeting.voting_at = Stage.VOTING, utcnow()
    db.session.commit()
    return meeting, ids


def test_two_tabs_voting_at_once_never_exceed_the_limit(live_server, voting_meeting, officer):
    meeting, ids = voting_meeting
    tabs = []
    try:
        for round_no in range(3):  # three residents, each with two tabs
            first = LiveClient(live_server.url, meeting.id, name=f"Resident {round_no}").connect()
            second = LiveClient(live_server.url, meeting.id)
            second.token = first.token
            second.connect()
            tabs += [first, second]
            assert second.participant["id"] == first.participant["id"]
            acks: list[dict] = []
            lock, start = threading.Lock(), threading.Barrier(2 * ISSUES)

            def fire(tab, issue_id, start=start, lock=lock, acks=acks):  # this round's, bound now
                start.wait()
                ack = tab.call("vote", {"issue_id": issue_id})
                with lock:
                    acks.append(ack)

            threads = [threading.Thread(target=fire, args=(tab, i)) for i in ids for tab in (first, second)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(20)
            codes = sorted("ok" if a["ok"] else a["error"] for a in acks)
            assert codes.count("ok") == 3, codes
            assert set(codes) <= {"ok", "vote_limit_reached", "duplicate"}, codes
            db.session.expire_all()
            saved = db.session.scalar(select(func.count(Vote.id)).where(
                Vote.participant_id == first.participant["id"], Vote.kind == VoteKind.PRIORITY))
            assert saved == 3

        pc = LiveClient(live_server.url, meeting.id, cookie=staff_cookie(live_server.url, officer.email, TEST_PASSWORD))
        pc.connect()
        tabs.append(pc)
        for tab in tabs:
            tab.sio.on("meeting_closed", tab._recorder("meeting_closed"), namespace="/meeting")
        ack = pc.call("close", {"priorities": [{"issue_id": ids[0], "action": "Patrols on Friday nights"}]})
        assert ack["ok"], ack
        for tab in tabs[:2]:
            assert tab.wait_for("stage_changed", lambda d: d["stage"] == "closed")
            assert tab.wait_for("meeting_closed")["summary_url"] == f"/meetings/{meeting.id}/summary"
        residents = db.session.scalar(select(func.count(Participant.id)).where(Participant.role == "resident"))
        assert residents == 4  # the author and three residents, whatever their tabs
    finally:
        close_all(tabs)
