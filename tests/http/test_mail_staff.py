"""Staff e-mail and passwords from the web, through a real SMTP server (aiosmtpd): invitations,
forgot → reset, changing one's own password, an admin's reset link; expired and reused links;
and a changed password ends the account's other sign-ins."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from pact.extensions import db
from pact.models import AccountToken, AuditEntry, StaffSession, User
from tests.helpers import TEST_PASSWORD, csrf_token, deliver, sign_in
from tests.smtp_server import text_of

NEW_PASSWORD = "a much longer new passphrase"


@pytest.fixture
def app_config(mail_config):
    return mail_config


@pytest.fixture
def admin(make_user):
    return make_user("admin@example.org", "admin", name="Admin Ali")


@pytest.fixture
def admin_client(app, admin):
    http = app.test_client()
    assert sign_in(http, admin.email).status_code == 302
    return http



def token_of(html: str, prefix: str = "") -> str:
    return re.search(rf'name="{prefix}csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def reset_path(message) -> str:
    return re.search(r"https://pact\.example\.police\.uk(/password/reset/\S+)", text_of(message)).group(1)


def set_password(client, path, password=NEW_PASSWORD, confirm=None):
    page = client.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)
    return client.post(path, data={"csrf_token": token_of(page.get_data(as_text=True)), "password": password,
                                   "confirm": password if confirm is None else confirm})


def test_invitation_sets_a_first_password_once(app, admin_client, beat, smtp, observer):
    page = admin_client.get("/admin/").get_data(as_text=True)
    created = admin_client.post("/admin/users", data={
        "staff-csrf_token": token_of(page, "staff-"), "staff-email": "pc.new@example.org", "staff-role": "officer",
        "staff-display_name": "PC New", "staff-password": "", "staff-beats": [str(beat.id)]})
    assert created.status_code == 302
    deliver(app)
    [invite] = smtp.inbox.to("pc.new@example.org")
    assert invite["Subject"] == "Your PACT Live staff account" and "List-Unsubscribe" not in invite
    path = reset_path(invite)
    person = app.test_client()
    assert sign_in(person, "pc.new@example.org", "anything at all").status_code == 401  # no password yet
    short = set_password(person, path, "too short")
    assert short.status_code == 400 and "at least 12" in short.get_data(as_text=True)
    mismatch = set_password(person, path, NEW_PASSWORD, "something else entirely")
    assert mismatch.status_code == 400 and "not the same" in mismatch.get_data(as_text=True)
    assert set_password(person, path).status_code == 302
    assert sign_in(person, "pc.new@example.org", NEW_PASSWORD).status_code == 302
    reused = app.test_client().get(path)
    assert reused.status_code == 400 and "already been used" in reused.get_data(as_text=True)
    assert "accept_invitation" in [e.action for e in db.session.scalars(select(AuditEntry))]


def test_forgot_password_answers_the_same_and_resets_once_ending_other_sign_ins(app, client, officer, smtp, observer):
    other_device = app.test_client()
    assert sign_in(other_device, officer.email).status_code == 302
    answers = []
    for email in (officer.email, "nobody@example.org"):
        token = csrf_token(client, "/password/forgot")
        response = client.post("/password/forgot", data={"email": email, "csrf_token": token})
        answers.append((response.status_code, re.sub(r'value="[^"]*"', "", response.get_data(as_text=True))))
    assert answers[0] == answers[1] and answers[0][0] == 200
    deliver(app)
    assert len(smtp.inbox.messages) == 1
    [reset] = smtp.inbox.to(officer.email)
    assert "1 hour" not in reset["Subject"] and "works once" in text_of(reset)
    assert set_password(app.test_client(), reset_path(reset)).status_code == 302
    assert other_device.get("/officer/").status_code == 302  # signed out: back to the sign-in page
    db.session.expire_all()
    assert all(s.revoked_at is not None for s in db.session.scalars(select(StaffSession)))
    assert sign_in(app.test_client(), officer.email, TEST_PASSWORD).status_code == 401
    assert sign_in(app.test_client(), officer.email, NEW_PASSWORD).status_code == 302
    assert app.test_client().get(reset_path(reset)).status_code == 400  # used


def test_an_expired_reset_link_is_refused(app, client, officer, smtp, observer):
    client.post("/password/forgot", data={"email": officer.email, "csrf_token": csrf_token(client, "/password/forgot")})
    deliver(app)
    from pact.models import utcnow

    db.session.execute(update(AccountToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    response = app.test_client().get(reset_path(smtp.inbox.messages[0]))
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)


def test_forgot_password_is_rate_limited_per_account(app, client, officer, smtp):
    statuses = []
    for _ in range(4):
        token = csrf_token(client, "/password/forgot")
        statuses.append(client.post("/password/forgot", data={"email": officer.email, "csrf_token": token}).status_code)
    assert statuses == [200, 200, 200, 429]


def test_a_new_reset_link_ends_the_older_one(app, client, officer, smtp, observer):
    for _ in range(2):
        client.post("/password/forgot", data={"email": officer.email,
                                              "csrf_token": csrf_token(client, "/password/forgot")})
        deliver(app)
    first, second = smtp.inbox.to(officer.email)
    assert app.test_client().get(reset_path(first)).status_code == 400
    assert app.test_client().get(reset_path(second)).status_code == 200


def test_change_own_password_needs_the_current_one_and_ends_other_sign_ins(app, staff_client, officer, observer):
    other_device = app.test_client()
    assert sign_in(other_device, officer.email).status_code == 302
    page = staff_client.get("/account/password").get_data(as_text=True)
    data = {"csrf_token": token_of(page), "current": "wrong password here", "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD}
    wrong = staff_client.post("/account/password", data=data)
    assert wrong.status_code == 400 and "current password is not right" in wrong.get_data(as_text=True)
    short = staff_client.post("/account/password", data={**data, "current": TEST_PASSWORD, "password": "short",
                                                         "confirm": "short"})
    assert short.status_code == 400 and "at least 12" in short.get_data(as_text=True)
    assert staff_client.post("/account/password", data={**data, "current": TEST_PASSWORD}).status_code == 302
    assert staff_client.get("/officer/").status_code == 200  # this sign-in goes on
    assert other_device.get("/officer/").status_code == 302  # the other one has ended
    assert sign_in(app.test_client(), officer.email, NEW_PASSWORD).status_code == 302


def test_admin_reset_link_is_shown_once_and_emailed(app, admin_client, officer, smtp, observer):
    page = admin_client.get(f"/admin/users/{officer.id}").get_data(as_text=True)
    response = admin_client.post(f"/admin/users/{officer.id}/reset-link", data={"active-csrf_token":
                                                                               token_of(page, "active-")})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    shown = re.search(r'value="https://pact\.example\.police\.uk(/password/reset/[^"]+)"', html).group(1)
    deliver(app)
    [mailed] = smtp.inbox.to(officer.email)
    assert reset_path(mailed) == shown
    assert shown not in admin_client.get(f"/admin/users/{officer.id}").get_data(as_text=True)  # only once
    assert set_password(app.test_client(), shown).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(User).where(User.id == officer.id)).check_password(NEW_PASSWORD)


def test_only_admins_make_reset_links(app, staff_client, officer):
    page = staff_client.get("/account/password").get_data(as_text=True)
    response = staff_client.post(f"/admin/users/{officer.id}/reset-link", data={"csrf_token": token_of(page)})
    assert response.status_code in (302, 403)
    assert db.session.scalar(select(AccountToken.id)) is None
