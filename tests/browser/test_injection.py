"""Hostile residents: script-injection payloads as issue text and display names show as plain text,
live and after a reload, with JavaScript on and off, and no dialog ever opens (the `new_page`
fixture fails the test on any dialog or uncaught script error)."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import issue_item, join_room, post_issue

pytestmark = pytest.mark.browser

# Display names are at most 40 characters; issue texts may be longer.
PAYLOADS = [
    "<script>alert('name')</script>",
    "<img src=x onerror=alert(1)>",
    "\"><svg onload=alert(2)>",
    "javascript:alert(3)",
    "';alert(4);//",
    "</textarea><script>alert(5)</script>",
    "<details open ontoggle=alert(6)>",
    "{{7*7}} ${alert(8)} <%= 9 %>",
    "<iframe srcdoc='<script>alert(10)</script>'></iframe>",
    "<a href=\"javascript:alert(11)\">click me</a>",
    "<style>*{display:none}</style>Hidden?",
    "&lt;b&gt;entities&lt;/b&gt; &amp; <b>bold</b>",
]


@pytest.fixture
def live_server(server_factory):
    # Many posts from one test: the per-participant post limit is tested elsewhere.
    return server_factory(env={"PACT_RATE_LIMITS": "off"})


def test_injection_payloads_show_as_text_and_never_run(new_page, meeting):
    watcher = new_page()
    join_room(watcher, meeting.id, "Watcher")
    for n, payload in enumerate(PAYLOADS):
        page = new_page()
        name = payload[:40]
        join_room(page, meeting.id, name)
        text = f"{payload} (report {n})"
        post_issue(page, text)
        expect(issue_item(page, text)).to_contain_text("raised by " + name)
        page.context.close()

    # Live, in another resident's page: every payload is there, character for character.
    for n, payload in enumerate(PAYLOADS):
        item = issue_item(watcher, f"{payload} (report {n})")
        expect(item).to_be_visible()
        expect(item.locator(".issue-meta")).to_contain_text("raised by " + payload[:40])
    expect(watcher.locator("#issues script, #issues img, #issues svg, #issues iframe, #issues details, #issues a[href], "
                           "#issues style, #issues b")).to_have_count(0)
    expect(watcher.locator("#announcer")).to_contain_text(f"New issue from {PAYLOADS[-1][:40]}: {PAYLOADS[-1]} (report 11)")
    assert watcher.locator("#announcer script").count() == 0

    # After a reload the server renders the list first (Jinja), then the script redraws it.
    watcher.reload()
    expect(watcher.locator("#connection")).to_have_text("Connected")
    for n, payload in enumerate(PAYLOADS):
        expect(issue_item(watcher, f"{payload} (report {n})")).to_be_visible()
    assert watcher.title() == "Riverside PACT · PACT Live"


def test_payloads_render_as_text_without_javascript(new_page, meeting):
    writer = new_page()
    join_room(writer, meeting.id, "<img src=x onerror=alert(1)>")
    post_issue(writer, PAYLOADS[0] + " and " + PAYLOADS[8])
    expect(issue_item(writer, PAYLOADS[0] + " and " + PAYLOADS[8])).to_be_visible()

    reader = new_page(java_script_enabled=False)
    reader.goto(f"/meetings/{meeting.id}")
    item = reader.locator("#issues li.issue")
    expect(item.locator(".issue-text")).to_have_text(PAYLOADS[0] + " and " + PAYLOADS[8])
    expect(item.locator(".issue-meta")).to_contain_text("raised by <img src=x onerror=alert(1)>")
    expect(reader.locator("#issues script, #issues img, #issues iframe")).to_have_count(0)
