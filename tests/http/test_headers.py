"""Response headers from issue #11: connect-src only to this app, no-store on everything staff see."""
import pytest

from tests.helpers import sign_in


@pytest.fixture
def app_config(app_config):
    return {**app_config, "BASE_URL": "https://pact.example.police.uk"}


def directives(response):
    parts = response.headers["Content-Security-Policy"].split(";")
    return dict((part.strip().split(" ", 1) + [""])[:2] for part in parts)


def test_the_live_socket_may_connect_to_this_app_only(client, meeting):
    for path in ("/", f"/meetings/{meeting.id}", "/login"):
        assert directives(client.get(path))["connect-src"] == "'self' wss://pact.example.police.uk", path


@pytest.mark.parametrize("path", ["/officer/", "/admin/", "/inspector/", "/export/priorities.csv", "/login"])
def test_staff_pages_are_never_stored_even_when_they_redirect(client, path):
    assert client.get(path).headers["Cache-Control"] == "no-store"


def test_every_page_a_signed_in_staff_member_gets_is_no_store(app, staff_client, make_user, meeting, beat):
    for path in ("/", f"/meetings/{meeting.id}", f"/beats/{beat.slug}", f"/meetings/{meeting.id}/audit", "/officer/",
                 f"/beats/{beat.slug}/feed.atom"):
        response = staff_client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
        assert "Cookie" in response.headers["Vary"], path
    with staff_client.get("/static/pact.css") as static:
        assert "no-store" not in static.headers.get("Cache-Control", "")
    admin = make_user("admin@example.org", "admin", name="Admin")
    http = app.test_client()
    sign_in(http, admin.email)
    assert http.get("/admin/").headers["Cache-Control"] == "no-store"


def test_residents_pages_are_not_forced_out_of_the_cache(client, meeting, beat):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    assert client.get(f"/beats/{beat.slug}/feed.atom").headers["Cache-Control"] == "no-cache"
