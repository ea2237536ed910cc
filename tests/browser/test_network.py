"""Bad connections: the network drops and comes back; nothing is lost and the unsent draft stays."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_check, issue_item, join_room, post_issue

pytestmark = pytest.mark.browser


def test_offline_and_back_resynchronises_and_keeps_the_draft(new_page, meeting):
    alice = new_page()
    join_room(alice, meeting.id, "Alice")
    post_issue(alice, "Speeding on Station Road")
    mine = issue_item(alice, "Speeding on Station Road")
    expect(mine).to_be_visible()
    bob = new_page()
    join_room(bob, meeting.id, "Bob")
    issue_item(bob, "Speeding on Station Road").get_by_role("button", name="I share this").click()
    expect(mine).to_contain_text("1 person shares this")

    # Alice starts writing, then her train goes into a tunnel.
    draft = alice.get_by_label("What is the problem in your area?")
    draft.fill("Broken street light on Mill Lane")
    alice.context.set_offline(True)
    expect(alice.locator("#connection")).to_have_text("Offline — reconnecting…")
    axe_check(alice, "room, offline")

    # Trying to post while offline keeps the draft and says why, tied to the text box.
    alice.get_by_role("button", name="Post issue").click()
    expect(draft).to_have_accessible_description(
        "32 of 1,000 characters You are offline; we will reconnect and you can try again.")
    expect(draft).to_have_value("Broken street light on Mill Lane")

    # Meanwhile the meeting goes on without her.
    post_issue(bob, "Vans parked on the green")
    expect(issue_item(bob, "Vans parked on the green")).to_be_visible()
    issue_item(bob, "Speeding on Station Road").get_by_role("button", name="I share this (undo)").click()
    expect(issue_item(bob, "Speeding on Station Road")).to_contain_text("0 people share this")
    expect(issue_item(alice, "Vans parked on the green")).to_have_count(0)

    # Even a reload while offline (the page comes from the network: nothing to show) must not lose
    # the draft, which lives in localStorage.
    alice.context.set_offline(False)
    expect(alice.locator("#connection")).to_have_text("Connected", timeout=15_000)
    expect(issue_item(alice, "Vans parked on the green")).to_be_visible()
    expect(mine).to_contain_text("0 people share this")
    expect(draft).to_have_value("Broken street light on Mill Lane")
    expect(alice.get_by_role("heading", name="Join the meeting")).to_be_hidden()

    # And she posts it once back online: everyone sees it.
    alice.get_by_role("button", name="Post issue").click()
    expect(issue_item(bob, "Broken street light on Mill Lane")).to_contain_text("raised by Alice")
    expect(draft).to_have_value("")
    alice.reload()
    expect(alice.locator("#connection")).to_have_text("Connected")
    expect(alice.get_by_label("What is the problem in your area?")).to_have_value("")
