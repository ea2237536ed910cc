"""Pages through the Flask test client: what a visitor sees, escaped, with clear errors."""
import pytest

from pact.extensions import db
from pact.meetings import issues
from pact.meetings.participants import join_resident
from pact.models import Stage, utcnow
from tests.helpers import TEST_PASSWORD, csrf_token, sign_in

XSS = "<script>alert(1)</script>"
SIGNED_IN = '<span class="who">PC Jones (officer)</span>'


def test_home_lists_beats_and_live_and_upcoming_meetings(client, make_meeting, beat):
    make_meeting(stage=Stage.LIVE, title="Tonight's meeting")
    make_meeting(stage=Stage.SCHEDULED, title="Next month")
    html = client.get("/").get_data(as_text=True)
    assert "Riverside" in html and "Tonight&#39;s meeting" in html and "Next month" in html
    assert html.index("Live now") < html.index("Tonight&#39;s meeting") < html.index("Upcoming meetings")


def test_beat_page_lists_its_meetings(client, meeting, beat):
    response = client.get(f"/beats/{beat.slug}")
    assert response.status_code == 200
    assert f'href="/meetings/{meeting.id}"' in response.get_data(as_text=True)


def test_unknown_beat_and_meeting_are_clear_404s(client):
    for path in ("/beats/nowhere", "/meetings/999999"):
        response = client.get(path)
        assert response.status_code == 404
        assert "does not exist" in response.get_data(as_text=True)
        assert "Traceback" not in response.get_data(as_text=True)


def test_room_without_javascript_shows_issues_answers_and_says_js_is_needed(client, meeting, officer):
    alice, _ = join_resident(meeting, "Alice", now=utcnow())
    issue = issues.post_issue(meeting, alice, "Speeding on Mill Lane", None, now=utcnow()).issue
    issues.answer_issue(meeting, issue.id, "Speed checks on Friday.", user=officer, now=utcnow())
    db.session.commit()
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Speeding on Mill Lane" in html and "Speed checks on Friday." in html
    # Plain markup that room.js hides (not <noscript>, which a blocked or failed script never shows);
    # tests/browser/test_accessibility.py proves it shows with JavaScript off and hides with it on.
    assert 'id="needs-js"' in html and "needs JavaScript" in html


def test_user_text_is_escaped_in_pages(client, meeting):
    alice, _ = join_resident(meeting, XSS, now=utcnow())
    issues.post_issue(meeting, alice, XSS + " & more", None, now=utcnow())
    db.session.commit()
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert XSS not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html


def test_room_sets_a_private_browser_cookie_and_no_store(client, meeting):
    response = client.get(f"/meetings/{meeting.id}")
    cookie = response.headers.get("Set-Cookie", "")
    assert "pact_device=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Cache-Control"] == "no-store"


def test_pages_carry_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script(client, meeting):
    for path in ("/", f"/meetings/{meeting.id}", "/login"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>" not in html and " onclick=" not in html


def test_sign_in_and_out(client, officer):
    response = sign_in(client, officer.email)
    assert response.status_code == 302
    assert SIGNED_IN in client.get("/").get_data(as_text=True)
    token = csrf_token(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert "Staff sign in" in client.get("/").get_data(as_text=True)


def test_wrong_password_is_a_clear_error(client, officer):
    response = sign_in(client, officer.email, "not the password")
    assert response.status_code == 401
    assert "do not match" in response.get_data(as_text=True)


def test_login_without_csrf_token_is_refused(client, officer):
    response = client.post("/login", data={"email": officer.email, "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert SIGNED_IN not in client.get("/").get_data(as_text=True)


def test_logout_needs_csrf(client, officer):
    sign_in(client, officer.email)
    assert client.post("/logout").status_code == 400
    assert SIGNED_IN in client.get("/").get_data(as_text=True)


def test_copied_session_cookie_stops_working_after_sign_out(app, officer):
    browser = app.test_client()
    sign_in(browser, officer.email)
    stolen = browser.get_cookie("session").value
    token = csrf_token(browser, "/")
    browser.post("/logout", data={"csrf_token": token})
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    html = thief.get("/").get_data(as_text=True)
    assert SIGNED_IN not in html and "Staff sign in" in html


def test_open_redirect_after_login_is_ignored(client, officer):
    token = csrf_token(client)
    response = client.post("/login?next=https://evil.example/", data={"email": officer.email, "password": TEST_PASSWORD,
                                                                     "csrf_token": token})
    assert response.headers["Location"] == "/officer/"  # staff land in their workspace


@pytest.mark.parametrize("path", ["/meetings/abc", "/meetings/-1"])
def test_malformed_ids_are_404(client, path):
    assert client.get(path).status_code == 404


def test_oversized_form_is_refused(client):
    response = client.post("/login", data={"email": "x" * (300 * 1024), "password": "y"})
    assert response.status_code == 413
