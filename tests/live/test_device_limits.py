"""One person, one voice, as far as a no-account room allows (issue #11 M3/M4): the browser's
device cookie carries limits, votes, mutes and removals across the names it takes."""
import pytest
from sqlalchemy import func, select

from pact.extensions import db
from pact.models import Meeting, Stage, Vote
from tests.helpers import call, received
from tests.live.test_moderation import last_words, post


@pytest.fixture
def browser(app, meeting):
    """One browser that opened the room page: `open()` gives another tab (socket) of it."""
    http = app.test_client()
    http.get(f"/meetings/{meeting.id}")
    assert http.get_cookie("pact_device") is not None
    return http


def votes_for(issue_id: int) -> int:
    return db.session.scalar(select(func.count(Vote.id)).where(Vote.issue_id == issue_id))


def test_joins_without_the_device_cookie_are_limited_much_harder(connect, meeting):
    acks = [call(connect(), "join", {"meeting_id": meeting.id, "display_name": f"Bot {n}"}) for n in range(11)]
    assert all(a["ok"] for a in acks[:10])
    assert acks[10]["error"] == "rate_limited" and acks[10]["retry_after"] > 60


def test_new_names_from_one_browser_cannot_multiply_support(resident, browser, meeting):
    author, _ = resident("Author")
    issue_id = post(author, "Speeding on Mill Road")["issue"]["id"]
    first, _ = resident("Alice", http_client=browser)
    assert call(first, "vote", {"issue_id": issue_id}) == {"ok": True}
    for n in range(3):
        again, _ = resident(f"Alice {n}", http_client=browser)
        refused = call(again, "vote", {"issue_id": issue_id})
        assert refused["ok"] is False and refused["error"] == "device_voted", refused
    assert votes_for(issue_id) == 1
    other, _ = resident("Bob")  # another browser still counts
    assert call(other, "vote", {"issue_id": issue_id}) == {"ok": True}
    assert votes_for(issue_id) == 2


def test_priority_votes_are_one_budget_per_browser(resident, browser, meeting):
    author, _ = resident("Author")
    ids = [post(author, f"Problem {n} on the estate")["issue"]["id"] for n in range(4)]
    from pact.models import Issue

    for issue_id in ids:
        db.session.get(Issue, issue_id).shortlisted = True
    db.session.get(Meeting, meeting.id).stage = Stage.VOTING
    db.session.commit()
    first, _ = resident("Alice", http_client=browser)
    second, _ = resident("Alice again", http_client=browser)
    assert call(first, "vote", {"issue_id": ids[0]}) == {"ok": True}
    assert call(second, "vote", {"issue_id": ids[0]})["error"] == "device_voted"
    assert call(second, "vote", {"issue_id": ids[1]}) == {"ok": True}
    assert call(first, "vote", {"issue_id": ids[2]}) == {"ok": True}
    assert call(second, "vote", {"issue_id": ids[3]})["error"] == "vote_limit_reached"  # 3 per browser


def test_posts_from_one_browser_share_a_budget_across_names(resident, browser):
    acks = []
    for n in range(5):
        sock, _ = resident(f"Poster {n}", http_client=browser)
        acks += [call(sock, "post_issue", {"text": f"Problem {n}-{k} on our road"}) for k in range(2)]
    assert [a["ok"] for a in acks[:8]] == [True] * 8
    assert acks[8]["error"] == "rate_limited"


def test_a_muted_browser_stays_muted_under_a_new_name(resident, browser, officer_sock):
    alice, ack = resident("Alice", http_client=browser)
    assert call(officer_sock, "mute", {"participant_id": ack["participant"]["id"]})["ok"]
    again, rejoined = resident("Not Alice", http_client=browser)
    assert rejoined["participant"]["muted"] is True
    refused = call(again, "post_issue", {"text": "I am back under another name"})
    assert refused["ok"] is False and refused["error"] == "muted"
    other, _ = resident("Bob")
    assert call(other, "post_issue", {"text": "Potholes on Station Road"})["ok"]


def test_muting_one_name_mutes_the_browsers_other_names(resident, browser, officer_sock):
    alice, ack = resident("Alice", http_client=browser)
    second, _ = resident("Alicia", http_client=browser)
    assert call(officer_sock, "mute", {"participant_id": ack["participant"]["id"]})["ok"]
    assert "muted" in [name for name, _ in received(second)]
    assert call(second, "post_issue", {"text": "Still here"})["error"] == "muted"


def test_removing_one_name_removes_the_browsers_other_names(resident, browser, officer_sock, meeting, connect):
    alice, ack = resident("Alice", http_client=browser)
    second, _ = resident("Alicia", http_client=browser)
    assert call(officer_sock, "remove", {"participant_id": ack["participant"]["id"]})["ok"]
    assert "removed" in [name for name, _ in last_words(second)]
    refused = call(connect(browser), "join", {"meeting_id": meeting.id, "display_name": "Third name"})
    assert refused["error"] == "forbidden"


def test_removing_with_the_address_bars_it_for_a_while(app, resident, officer_sock, meeting, connect):
    alice, ack = resident("Alice")
    assert call(officer_sock, "remove", {"participant_id": ack["participant"]["id"], "address_minutes": 0}
                )["error"] == "invalid_payload"
    assert call(officer_sock, "remove", {"participant_id": ack["participant"]["id"], "address_minutes": 30})["ok"]
    fresh = app.test_client()  # a new browser profile, same address
    fresh.get(f"/meetings/{meeting.id}")
    refused = call(connect(fresh), "join", {"meeting_id": meeting.id, "display_name": "Someone new"})
    assert refused["error"] == "forbidden"


def test_without_the_address_a_new_browser_profile_still_gets_in(app, resident, officer_sock, meeting, connect):
    """What still gets through (docs/security.md): a new browser profile is a new device."""
    alice, ack = resident("Alice")
    assert call(officer_sock, "remove", {"participant_id": ack["participant"]["id"]})["ok"]
    fresh = app.test_client()
    fresh.get(f"/meetings/{meeting.id}")
    assert call(connect(fresh), "join", {"meeting_id": meeting.id, "display_name": "Someone new"})["ok"]
