"""Staff sign-ins end: idle for STAFF_SESSION_IDLE, older than STAFF_SESSION_LIFETIME; and a sign-in
attempt for an unknown account costs the same password hash as a real one (issue #11, low items)."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from pact.auth import sessions
from pact.extensions import db
from pact.models import StaffSession, utcnow
from tests.helpers import sign_in


def _age(user_id, *, seen_ago=None, created_ago=None):
    db.session.expire_all()
    row = db.session.scalar(select(StaffSession).where(StaffSession.user_id == user_id))
    now = utcnow()
    if created_ago is not None:
        row.created_at = now - created_ago
    if seen_ago is not None:
        row.last_seen_at = now - seen_ago
    db.session.commit()
    return row


def _signed_in(client) -> bool:
    return client.get("/officer/").status_code == 200


def test_defaults_are_eight_hours_idle_and_seven_days_in_all(app):
    assert app.config["STAFF_SESSION_IDLE"] == 8 * 3600
    assert app.config["STAFF_SESSION_LIFETIME"] == 7 * 24 * 3600


def test_a_sign_in_used_within_the_idle_time_lasts_and_is_touched(staff_client, officer):
    before = _age(officer.id, seen_ago=timedelta(hours=7, minutes=59)).last_seen_at
    assert _signed_in(staff_client)
    assert _age(officer.id).last_seen_at > before + timedelta(hours=7)


def test_a_sign_in_idle_for_eight_hours_ends(staff_client, officer):
    _age(officer.id, seen_ago=timedelta(hours=8, seconds=1))
    response = staff_client.get("/officer/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_sign_in_ends_after_seven_days_however_busy(staff_client, officer):
    _age(officer.id, created_ago=timedelta(days=7, seconds=1), seen_ago=timedelta(seconds=5))
    assert not _signed_in(staff_client)


def test_the_idle_time_is_configurable(app, staff_client, officer):
    app.config["STAFF_SESSION_IDLE"] = 600  # read on every request, like PACT_STAFF_SESSION_IDLE at start
    _age(officer.id, seen_ago=timedelta(minutes=11))
    assert not _signed_in(staff_client)


def test_an_idle_staff_socket_is_refused_like_a_signed_out_one(app, connect, staff_client, officer, meeting):
    from tests.helpers import call

    app.config["STAFF_SESSION_IDLE"] = 600
    sock = connect(staff_client)
    assert call(sock, "join", {"meeting_id": meeting.id})["participant"]["role"] == "officer"
    _age(officer.id, seen_ago=timedelta(minutes=11))
    assert call(sock, "sync")["error"] == "forbidden"


@pytest.fixture
def hashes_checked(monkeypatch):
    """Record the method of every password hash the sign-in checks (werkzeug's own function runs)."""
    seen = []
    real = sessions.check_password_hash

    def spy(pwhash, password):
        seen.append(pwhash.split("$", 1)[0])
        return real(pwhash, password)

    monkeypatch.setattr(sessions, "check_password_hash", spy)
    monkeypatch.setattr("pact.models.user.check_password_hash", spy)
    return seen


def test_an_unknown_or_deactivated_account_costs_a_real_hash(app, officer, make_user, hashes_checked):
    http = app.test_client()
    assert sign_in(http, officer.email, "wrong password").status_code == 401
    real_method = hashes_checked[-1]
    assert sign_in(http, "nobody@example.org", "wrong password").status_code == 401
    gone = make_user("gone@example.org", "officer")
    gone.active = False
    db.session.commit()
    assert sign_in(http, gone.email, "correct horse battery").status_code == 401
    assert hashes_checked == [real_method] * 3 and real_method.startswith(("scrypt", "pbkdf2"))


def test_sign_out_on_every_device_ends_the_lost_laptops_sign_in_too(app, staff_client, officer):
    laptop = app.test_client()
    sign_in(laptop, officer.email)
    assert _signed_in(laptop) and _signed_in(staff_client)
    page = staff_client.get("/").get_data(as_text=True)
    assert 'name="everywhere"' in page
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert staff_client.post("/logout", data={"csrf_token": token, "everywhere": "1"}).status_code == 302
    assert not _signed_in(laptop) and not _signed_in(staff_client)


def test_plain_sign_out_ends_only_this_browsers_sign_in(app, staff_client, officer):
    phone = app.test_client()
    sign_in(phone, officer.email)
    token = staff_client.get("/").get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    assert staff_client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert not _signed_in(staff_client) and _signed_in(phone)
