"""Security basics: the audit log's readers, CSV injection, sign-in limits, cookies, origins, errors."""
import csv
import io

import pytest
from sqlalchemy import select

from pact.extensions import db, socketio
from pact.meetings import audit
from pact.models import AuditEntry, utcnow
from tests.helpers import TEST_PASSWORD, csrf_token, sign_in


@pytest.fixture
def logged(meeting, officer):
    """A meeting whose log holds hostile text, as if typed into a reason."""
    for reason in ("=HYPERLINK(\"http://evil.example\")", "+1+1", "-2", "@SUM(A1)", "\tTab", "\rCR", "plain"):
        audit.record("hide", now=utcnow(), user=officer, meeting=meeting, target="issue:1", reason=reason)
    db.session.commit()
    return meeting


def test_staff_of_the_beat_download_the_audit_log_with_formulas_neutralised(staff_client, logged):
    response = staff_client.get(f"/meetings/{logged.id}/audit.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    reasons = [r["reason"] for r in rows]
    assert reasons == ["'=HYPERLINK(\"http://evil.example\")", "'+1+1", "'-2", "'@SUM(A1)", "'\tTab", "'\rCR", "plain"]
    assert rows[0]["who"] == "PC Jones <pc.jones@example.org>" and rows[0]["role"] == "officer"
    assert db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc())).first() == "export_audit"


def test_the_audit_log_is_for_staff_of_that_beat_only(app, client, logged, make_user, make_beat, beat):
    assert client.get(f"/meetings/{logged.id}/audit.csv").status_code == 302  # sign in first
    outsider = make_user("other@example.org", "officer", [make_beat("hilltop", "Hilltop")])
    http = app.test_client()
    sign_in(http, outsider.email)
    for path in (f"/meetings/{logged.id}/audit.csv", f"/meetings/{logged.id}/audit"):
        response = http.get(path)
        assert response.status_code == 403 and "Only staff of this meeting" in response.get_data(as_text=True)
    inspector = make_user("insp@example.org", "inspector", [beat], name="Insp Khan")
    http = app.test_client()
    sign_in(http, inspector.email)
    page = http.get(f"/meetings/{logged.id}/audit")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Moderation audit log" in html and "=HYPERLINK" in html
    assert "<td>PC Jones &lt;pc.jones@example.org&gt;</td>" in html
    assert http.get("/meetings/99999/audit").status_code == 404


def test_nothing_in_the_app_can_edit_or_delete_the_log(app):
    rules = [r for r in app.url_map.iter_rules() if "audit" in r.rule]
    assert rules and all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in rules)


def test_staff_sign_in_attempts_are_rate_limited(app, officer):
    http = app.test_client()
    statuses = [sign_in(http, officer.email, "wrong password").status_code for _ in range(6)]
    assert statuses[:5] == [401] * 5 and statuses[5] == 429  # one account from one address: 5 a minute
    locked = sign_in(http, officer.email)  # even the right password waits now, from this address
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) >= 1
    assert "try again" in locked.get_data(as_text=True)


def test_rate_limits_can_be_switched_off(app_config, officer):
    from tests.helpers import fresh_app

    with fresh_app({**app_config, "RATE_LIMITS": False}, empty=False) as app:
        http = app.test_client()
        assert {sign_in(http, officer.email, "wrong password").status_code for _ in range(12)} == {401}


@pytest.fixture
def proxied_app(app_config, officer):
    from tests.helpers import fresh_app

    with fresh_app({**app_config, "PROXY_FIX": 1}, empty=False) as app:
        yield app


def test_session_cookie_is_secure_over_https_behind_the_proxy(proxied_app, officer):
    http = proxied_app.test_client()
    https = {"X-Forwarded-Proto": "https", "Referer": "https://localhost/login"}  # CSRF checks the referrer on HTTPS
    token = csrf_token(http)
    response = http.post("/login", data={"email": officer.email, "password": TEST_PASSWORD, "csrf_token": token},
                         headers=https)
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    plain = proxied_app.test_client()
    token = csrf_token(plain)
    response = plain.post("/login", data={"email": officer.email, "password": TEST_PASSWORD, "csrf_token": token})
    assert "Secure" not in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]


def test_a_cross_site_socket_handshake_is_refused(app):
    http = app.test_client()
    foreign = http.get("/socket.io/?EIO=4&transport=polling", headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 400
    same = http.get("/socket.io/?EIO=4&transport=polling", headers={"Origin": "http://localhost"})
    assert same.status_code == 200


def test_no_stack_trace_reaches_a_client(app, client):
    def explode():
        raise RuntimeError("secret internals /etc/passwd")

    app.add_url_rule("/explode", view_func=explode)
    response = client.get("/explode")
    body = response.get_data(as_text=True)
    assert response.status_code == 500 and "Traceback" not in body and "secret internals" not in body
    assert "Something went wrong on our side" in body


def test_a_copied_cookie_replayed_on_a_socket_after_sign_out_is_no_officer(app, staff_client, meeting):
    stolen = staff_client.get_cookie("session").value
    staff_client.post("/logout", data={"csrf_token": csrf_token(staff_client, "/")})
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    sock = socketio.test_client(app, namespace="/meeting", flask_test_client=thief)
    ack = sock.emit("join", {"meeting_id": meeting.id}, namespace="/meeting", callback=True)
    assert ack["ok"] is False and ack["error"] == "invalid_payload"  # asked for a name, as any resident
    ack = sock.emit("join", {"meeting_id": meeting.id, "display_name": "Thief"}, namespace="/meeting", callback=True)
    assert ack["participant"]["role"] == "resident"
    sock.disconnect("/meeting")
