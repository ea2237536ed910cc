"""A staff participant's resume token is worth nothing without the same staff sign-in (issue #11, H2).

The token is sent in the officer's `join` ack, so it can leak (a shared screen, a log, a browser
extension). Whoever holds it, on a socket without that sign-in, must never enter the staff room,
where held and hidden posts go out with their authors.
"""
from sqlalchemy import select

from pact.extensions import db
from pact.models import Participant
from tests.helpers import call, received, sign_in


def _form_token(client, path, field="csrf_token"):
    page = client.get(path).get_data(as_text=True)
    return page.split(f'name="{field}" type="hidden" value="')[-1].split('"')[0] if f'name="{field}" type' in page \
        else page.split(f'name="{field}" value="')[1].split('"')[0]


def sign_out(client):
    assert client.post("/logout", data={"csrf_token": _form_token(client, "/")}).status_code == 302


def admin_client(app, make_user):
    make_user("admin@example.org", "admin", name="Admin")
    http = app.test_client()
    sign_in(http, "admin@example.org")
    return http


def deactivate(app, make_user, user_id):
    http = admin_client(app, make_user)
    token = _form_token(http, f"/admin/users/{user_id}", "active-csrf_token")
    assert http.post(f"/admin/users/{user_id}/deactivate", data={"active-csrf_token": token}).status_code == 302


def take_beats(app, make_user, user_id):
    http = admin_client(app, make_user)
    token = _form_token(http, f"/admin/users/{user_id}", "beats-csrf_token")
    assert http.post(f"/admin/users/{user_id}/beats", data={"beats-csrf_token": token}).status_code == 302


def assert_no_staff_view(sock, resident, meeting):
    """A held post goes out now: a socket outside the staff room never hears of it."""
    alice, _ = resident("Alice")
    held = call(alice, "post_issue", {"text": "Ring me on 07700 900123 about next door"})
    assert held["issue"]["status"] == "held"
    assert "07700" not in str(received(sock))


def test_a_staff_token_on_a_socket_without_a_cookie_is_refused(connect, officer_join, resident, meeting):
    _, ack = officer_join
    thief = connect()
    refused = call(thief, "join", {"meeting_id": meeting.id, "resume_token": ack["resume_token"]})
    assert refused["ok"] is False and refused["error"] == "invalid_token", refused
    assert "staff" in refused["message"]
    assert_no_staff_view(thief, resident, meeting)
    assert call(thief, "sync")["error"] == "not_joined"


def test_a_staff_token_with_another_residents_cookie_is_refused(app, connect, officer_join, resident, meeting):
    _, ack = officer_join
    neighbour = app.test_client()
    neighbour.set_cookie("pact_device", "a-residents-own-browser")
    sock, _ = resident("Neighbour", http_client=neighbour)
    refused = call(sock, "join", {"meeting_id": meeting.id, "resume_token": ack["resume_token"]})
    assert refused["error"] == "invalid_token", refused
    assert_no_staff_view(sock, resident, meeting)


def test_a_staff_token_with_another_staff_members_cookie_is_refused(app, connect, officer_join, make_user, make_beat,
                                                                     resident, meeting):
    _, ack = officer_join
    other = make_user("other@example.org", "officer", [make_beat("hilltop", "Hilltop")], name="PC Other")
    http = app.test_client()
    sign_in(http, other.email)
    sock = connect(http)
    refused = call(sock, "join", {"meeting_id": meeting.id, "resume_token": ack["resume_token"]})
    assert refused["error"] == "invalid_token", refused
    assert_no_staff_view(sock, resident, meeting)


def test_after_sign_out_the_token_is_refused_and_replaced(connect, staff_client, officer_join, resident, meeting):
    _, ack = officer_join
    sign_out(staff_client)
    sock = connect(staff_client)  # the same browser, now signed out
    refused = call(sock, "join", {"meeting_id": meeting.id, "resume_token": ack["resume_token"]})
    assert refused["error"] == "invalid_token", refused
    assert_no_staff_view(sock, resident, meeting)
    db.session.expire_all()
    from pact.meetings.participants import hash_secret

    staff = db.session.scalar(select(Participant).where(Participant.id == ack["participant"]["id"]))
    assert staff.token_hash != hash_secret(ack["resume_token"])  # ended on the server, not just refused


def test_after_deactivation_the_socket_closes_and_the_token_is_refused(app, connect, staff_client, officer_join,
                                                                        make_user, officer, resident, meeting):
    officer_sock, ack = officer_join
    deactivate(app, make_user, officer.id)
    assert not officer_sock.is_connected("/meeting")
    for http in (staff_client, app.test_client()):
        sock = connect(http)
        refused = call(sock, "join", {"meeting_id": meeting.id, "resume_token": ack["resume_token"]})
        assert refused["error"] == "invalid_token", refused
        assert_no_staff_view(sock, resident, meeting)


def test_after_losing_the_beat_the_officers_own_token_is_refused(app, connect, staff_client, officer_join, make_user,
                                                                 officer, resident, meeting):
    officer_sock, ack = officer_join
    take_beats(app, make_user, officer.id)
    assert not officer_sock.is_connected("/meeting")
    sock = connect(staff_client)  # still signed in, but no longer on this beat
    refused = call(sock, "join", {"meeting_id": meeting.id, "resume_token": ack["resume_token"]})
    assert refused["error"] == "invalid_token", refused
    assert_no_staff_view(sock, resident, meeting)


def test_the_signed_in_officer_still_comes_back_with_or_without_the_token(connect, staff_client, officer_join, meeting):
    _, ack = officer_join
    again = call(connect(staff_client), "join", {"meeting_id": meeting.id, "resume_token": ack["resume_token"]})
    assert again["ok"] and again["participant"]["id"] == ack["participant"]["id"]
    assert again["participant"]["role"] == "officer"
