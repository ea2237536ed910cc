"""A meeting scripted over /meeting (join with the optional fields, watch, post, vote, answer, pulse,
close) and the evidence figures it must give; pulse acks and refusals."""
import pytest
from sqlalchemy import func, select

from pact.evidence.attendance import meeting_attendance
from pact.evidence.pulse import pulse_figures
from pact.extensions import db
from pact.models import Meeting, MeetingFigures, Participant, PulseAnswer, Referral
from tests.helpers import call, csrf_token, received


@pytest.fixture
def browser(app, connect, meeting):
    """A socket from a browser that loaded the room page (so it has its device cookie)."""
    def make():
        http = app.test_client()
        assert http.get(f"/meetings/{meeting.id}").status_code == 200
        return connect(http)
    return make


def join(sock, meeting, name, **extra):
    ack = call(sock, "join", {"meeting_id": meeting.id, "display_name": name, **extra})
    assert ack["ok"], ack
    return ack


def test_scripted_meeting_gives_known_figures(browser, officer_sock, meeting):
    people = [browser() for _ in range(6)]
    watcher = browser()
    assert call(watcher, "watch", {"meeting_id": meeting.id})["ok"]
    assert call(watcher, "watch", {"meeting_id": meeting.id})["ok"]  # twice: still one person
    join(people[0], meeting, "Ann", postcode_district="ls6 2ab", age_band="65-74")
    join(people[1], meeting, "Ben", postcode_district="", age_band=None)  # skipped: one tap
    for n, sock in enumerate(people[2:], start=2):
        join(sock, meeting, f"Resident {n}")
    first = call(people[0], "post_issue", {"text": "Speeding on Mill Lane"})["issue"]["id"]
    call(people[1], "post_issue", {"text": "Litter in the park"})
    assert call(people[2], "vote", {"issue_id": first}) == {"ok": True}
    assert call(officer_sock, "answer", {"issue_id": first, "text": "Patrols from Monday"})["ok"]
    assert call(officer_sock, "set_stage", {"stage": "voting"})["ok"]
    for sock, (listened, confidence) in zip(people[:5], [(5, 4), (4, 4), (3, 2), (2, 5), (5, 3)], strict=False):
        assert call(sock, "pulse", {"listened": listened, "confidence": confidence}) == {"ok": True}
    assert call(people[0], "pulse", {"listened": 1}) == {"ok": True}  # replaces Ann's answer
    assert call(officer_sock, "close", {"priorities": [{"issue_id": first, "action": "Patrols"}]})["ok"]
    assert call(people[5], "pulse", {"confidence": 4}) == {"ok": True}  # after the close too

    db.session.expire_all()
    stored = db.session.get(Meeting, meeting.id)
    figures = meeting_attendance([stored])[meeting.id].as_dict()
    assert figures["participants"] == 6 and figures["unique_watched"] == 7
    assert figures["first_time_participants"] == 6 and figures["posted"] == 2 and figures["voted"] == 1
    assert figures["issues_raised"] == 2 and figures["issues_answered"] == 1
    pulse = pulse_figures([meeting.id])[meeting.id].public()
    assert pulse["responses"] == 6
    assert pulse["listened"] == {"answers": 5, "mean": 3.0, "agree_share": pytest.approx(2 / 5)}
    assert pulse["confidence"]["mean"] == pytest.approx((4 + 2 + 5 + 3 + 4) / 5)
    kept = db.session.get(MeetingFigures, meeting.id)  # written by the close, kept current by the late answer
    assert kept is not None and '"responses": 6' in kept.pulse and '"participants": 6' in kept.data
    ann = db.session.scalar(select(Participant).where(Participant.display_name == "Ann"))
    ben = db.session.scalar(select(Participant).where(Participant.display_name == "Ben"))
    assert (ann.postcode_district, ann.age_band) == ("LS6", "65-74")
    assert (ben.postcode_district, ben.age_band) == (None, None)


@pytest.mark.parametrize("extra,field", [
    ({"age_band": "teen"}, "age_band"), ({"postcode_district": "not a postcode"}, "postcode_district"),
    ({"age_band": 30}, "age_band"),
])
def test_bad_join_fields_are_refused_and_nothing_joins(resident, connect, meeting, extra, field):
    sock = connect()
    ack = call(sock, "join", {"meeting_id": meeting.id, "display_name": "Zed", **extra})
    assert ack["ok"] is False and ack["error"] == "invalid_payload" and ack["field"] == field
    assert db.session.scalar(select(func.count(Participant.id))) == 0


def test_pulse_refusals_change_nothing(resident, officer_sock, meeting):
    alice, _ = resident("Alice")
    assert call(alice, "pulse", {"listened": 3})["error"] == "wrong_stage"
    assert call(officer_sock, "set_stage", {"stage": "voting"})["ok"]
    received(alice)
    assert call(alice, "pulse", {"listened": 9})["error"] == "invalid_payload"
    assert call(alice, "pulse", {"listened": "5"})["error"] == "invalid_payload"
    assert call(alice, "pulse", {})["error"] == "empty"
    assert call(alice, "pulse", {"listened": 3, "extra": 1})["error"] == "invalid_payload"
    assert call(officer_sock, "pulse", {"listened": 3})["error"] == "forbidden"
    assert db.session.scalar(select(func.count(PulseAnswer.id))) == 0
    assert call(alice, "pulse", {"listened": 3}) == {"ok": True}
    assert [name for name, _ in received(alice) if name != "tallies" and name != "presence"] == []  # nothing broadcast


def test_a_referral_reaches_residents_in_the_room(resident, connect, officer_sock, staff_client, meeting):
    """An officer refers an issue (HTTP); every resident's room gets the issue with `referred_to`,
    and so does a resident who joins afterwards (SNAPSHOT)."""
    alice, _ = resident("Alice")
    issue = call(alice, "post_issue", {"text": "Fly-tipping behind the shops"})["issue"]
    assert issue["referred_to"] == []
    received(alice)
    path = f"/meetings/{meeting.id}/referrals"
    response = staff_client.post(path, data={"issue_id": issue["id"], "partner": "council", "note": "Ref 12",
                                             "csrf_token": csrf_token(staff_client, path)})
    assert response.status_code == 302
    updates = [data for name, data in received(alice) if name == "issue_updated"]
    assert [u["referred_to"] for u in updates] == [[{"partner": "council", "name": "the council", "status": "open"}]]
    assert updates[0]["text"] == "Fly-tipping behind the shops" and "note" not in str(updates[0])  # the note is not for residents
    referral = db.session.scalar(select(Referral))
    response = staff_client.post(f"/referrals/{referral.id}/status", data={
        "status": "resolved", "csrf_token": csrf_token(staff_client, path)})
    assert response.status_code == 302
    updates = [data for name, data in received(alice) if name == "issue_updated"]  # the room hears of the update
    assert [u["referred_to"][0]["status"] for u in updates] == ["resolved"]
    bob = connect()
    assert call(bob, "join", {"meeting_id": meeting.id, "display_name": "Bob"})["ok"]
    (state,) = [data for name, data in received(bob) if name == "state"]
    shared = {i["id"]: i for i in state["issues"]}
    assert shared[issue["id"]]["referred_to"] == [{"partner": "council", "name": "the council", "status": "resolved"}]
