"""Admin pages: beats and staff accounts, with CSRF, clear errors, audit, and access that ends at once."""
import re

import pytest
from sqlalchemy import select

from pact.extensions import db
from pact.models import AuditEntry, Beat, Role, StaffSession, User
from tests.helpers import TEST_PASSWORD, sign_in


def token(html, prefix=""):
    match = re.search(rf'name="{prefix}csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, f"no {prefix}csrf_token"
    return match.group(1)


@pytest.fixture
def admin(make_user):
    return make_user("admin@example.org", "admin", name="Admin Ali")


@pytest.fixture
def admin_client(app, admin):
    http = app.test_client()
    assert sign_in(http, admin.email).status_code == 302
    return http


def actions():
    return [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_only_admins_reach_the_admin_pages(client, staff_client, admin_client):
    assert client.get("/admin/").status_code == 302  # to the sign-in page
    assert "/login" in client.get("/admin/").headers["Location"]
    response = staff_client.get("/admin/")
    assert response.status_code == 403 and "Only an admin" in response.get_data(as_text=True)
    assert admin_client.get("/admin/").status_code == 200
    assert 'href="/admin/"' in admin_client.get("/").get_data(as_text=True)  # the nav links admins there


def test_admin_creates_a_beat_and_bad_input_is_a_clear_error(admin_client):
    page = admin_client.get("/admin/").get_data(as_text=True)
    ok = admin_client.post("/admin/beats", data={"beat-csrf_token": token(page, "beat-"), "beat-slug": "hill-top",
                                                 "beat-name": "Hill Top"})
    assert ok.status_code == 302
    assert db.session.scalar(select(Beat).where(Beat.slug == "hill-top")).name == "Hill Top"
    for slug, message in (("Bad Slug!", "lower-case letters"), ("hill-top", "already exists")):
        bad = admin_client.post("/admin/beats", data={"beat-csrf_token": token(page, "beat-"), "beat-slug": slug,
                                                      "beat-name": "Another"})
        assert bad.status_code == 400 and message in bad.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(Beat.id))) == 1
    assert actions() == ["create_beat"]


def test_forms_without_csrf_are_refused(admin_client):
    response = admin_client.post("/admin/beats", data={"beat-slug": "nope", "beat-name": "Nope"})
    assert response.status_code == 400
    assert db.session.scalar(select(Beat).where(Beat.slug == "nope")) is None


def test_admin_creates_staff_with_beats_and_clear_errors(admin_client, beat):
    page = admin_client.get("/admin/").get_data(as_text=True)
    data = {"staff-csrf_token": token(page, "staff-"), "staff-email": "pc.new@example.org", "staff-role": "officer",
            "staff-display_name": "PC New", "staff-password": TEST_PASSWORD, "staff-beats": [str(beat.id)]}
    assert admin_client.post("/admin/users", data=data).status_code == 302
    user = db.session.scalar(select(User).where(User.email == "pc.new@example.org"))
    assert user.role is Role.OFFICER and [b.slug for b in user.beats] == [beat.slug]
    again = admin_client.post("/admin/users", data=data)
    assert again.status_code == 400 and "already exists" in again.get_data(as_text=True)
    weak = admin_client.post("/admin/users", data={**data, "staff-email": "x@example.org", "staff-password": "short"})
    assert weak.status_code == 400 and "at least 10" in weak.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "x@example.org")) is None


def test_role_and_beat_changes_are_audited(admin_client, officer, beat, make_beat):
    other = make_beat("hilltop", "Hilltop")
    page = admin_client.get(f"/admin/users/{officer.id}").get_data(as_text=True)
    assert admin_client.post(f"/admin/users/{officer.id}/role",
                             data={"role-csrf_token": token(page, "role-"), "role-role": "inspector"}).status_code == 302
    assert admin_client.post(f"/admin/users/{officer.id}/beats",
                             data={"beats-csrf_token": token(page, "beats-"),
                                   "beats-beats": [str(beat.id), str(other.id)]}).status_code == 302
    db.session.expire_all()
    user = db.session.get(User, officer.id)
    assert user.role is Role.INSPECTOR and {b.slug for b in user.beats} == {"riverside", "hilltop"}
    assert actions() == ["change_role", "assign_beats"]
    bad = admin_client.post(f"/admin/users/{officer.id}/role", data={"role-csrf_token": token(page, "role-"),
                                                                     "role-role": "superuser"})
    assert bad.status_code == 400


def test_deactivation_signs_the_account_out_everywhere(app, admin_client, officer, staff_client):
    assert "PC Jones (officer)" in staff_client.get("/").get_data(as_text=True)
    page = admin_client.get(f"/admin/users/{officer.id}").get_data(as_text=True)
    assert admin_client.post(f"/admin/users/{officer.id}/deactivate",
                             data={"active-csrf_token": token(page, "active-")}).status_code == 302
    assert "PC Jones (officer)" not in staff_client.get("/").get_data(as_text=True)
    db.session.expire_all()
    assert all(s.revoked_at is not None for s in db.session.scalars(select(StaffSession).where(
        StaffSession.user_id == officer.id)))
    again = app.test_client()
    assert sign_in(again, officer.email).status_code == 401
    assert actions() == ["deactivate_user", "sign_in_failed"]  # the refused sign-in is audited too


def test_an_admin_cannot_lock_themselves_out(admin_client, admin):
    page = admin_client.get(f"/admin/users/{admin.id}").get_data(as_text=True)
    response = admin_client.post(f"/admin/users/{admin.id}/deactivate", data={"active-csrf_token": token(page, "active-")})
    assert response.status_code == 400 and "your own account" in response.get_data(as_text=True)
    response = admin_client.post(f"/admin/users/{admin.id}/role", data={"role-csrf_token": token(page, "role-"),
                                                                       "role-role": "officer"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, admin.id).active and db.session.get(User, admin.id).role is Role.ADMIN


def test_unknown_account_is_a_404(admin_client):
    assert admin_client.get("/admin/users/99999").status_code == 404


def test_admin_forms_name_no_autocomplete_token_they_do_not_mean(admin_client):
    """The Nu HTML Checker's only errors were `autocomplete="None"` on these forms."""
    page = admin_client.get("/admin/").get_data(as_text=True)
    assert 'autocomplete="None"' not in page and "<form" in page
