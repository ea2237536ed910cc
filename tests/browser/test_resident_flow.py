"""Residents on phones: join, post, vote; another resident sees it live; a reload keeps who they are."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, axe_check, issue_item, join_room, post_issue, shoot

pytestmark = pytest.mark.browser


def test_resident_joins_posts_and_votes_and_another_sees_it_live(new_page, meeting):
    alice = new_page()
    alice.goto(f"/meetings/{meeting.id}")
    expect(alice.get_by_role("heading", name="Riverside PACT", level=1)).to_be_visible()
    expect(alice.locator("#connection")).to_have_text("Connected")
    expect(alice.get_by_role("heading", name="Join the meeting")).to_be_visible()
    axe_check(alice, "room, before joining")
    shoot(alice, "room-join-phone")

    # An empty name is refused in text tied to the input.
    alice.get_by_role("button", name="Join", exact=True).click()
    name = alice.get_by_label("Display name")
    expect(name).to_have_accessible_description("Enter a display name to join.")
    expect(name).to_be_focused()
    axe_check(alice, "room, join error")

    join_room(alice, meeting.id, "Alice")
    expect(alice.get_by_role("heading", name="Join the meeting")).to_be_hidden()
    axe_check(alice, "room, joined, no issues")

    bob = new_page()
    join_room(bob, meeting.id, "Bob")
    expect(alice.locator("#watching")).to_have_text("2", timeout=10_000)

    post_issue(alice, "Cars racing on the bypass after midnight", category="Roads and parking")
    mine = issue_item(alice, "Cars racing on the bypass after midnight")
    expect(mine).to_contain_text("Roads and parking · raised by Alice")
    expect(mine).to_contain_text("0 people share this")
    expect(alice.get_by_label("What is the problem in your area?")).to_have_value("")

    # Bob sees it without reloading, and a screen reader hears it through the polite live region.
    theirs = issue_item(bob, "Cars racing on the bypass after midnight")
    expect(theirs).to_be_visible()
    expect(bob.locator("#announcer")).to_contain_text("New issue from Alice: Cars racing on the bypass after midnight")
    expect(bob.locator("#announcer")).to_have_attribute("aria-live", "polite")

    vote = theirs.get_by_role("button", name="I share this")
    expect(vote).to_have_attribute("aria-pressed", "false")
    vote.click()
    expect(theirs.get_by_role("button", name="I share this (undo)")).to_have_attribute("aria-pressed", "true")
    expect(theirs).to_contain_text("1 person shares this")
    expect(mine).to_contain_text("1 person shares this")  # Alice's page, live
    axe_check(bob, "room, an issue with a vote")
    shoot(bob, "room-resident-phone")

    # Undo and vote again: both are shown to the voter and to everyone else.
    theirs.get_by_role("button", name="I share this (undo)").click()
    expect(mine).to_contain_text("0 people share this")
    theirs.get_by_role("button", name="I share this").click()
    expect(mine).to_contain_text("1 person shares this")


def test_reload_keeps_identity_and_votes(new_page, meeting):
    dan = new_page()
    join_room(dan, meeting.id, "Dan")
    post_issue(dan, "Fly-tipping behind the library")
    carol = new_page()
    join_room(carol, meeting.id, "Carol")
    item = issue_item(carol, "Fly-tipping behind the library")
    item.get_by_role("button", name="I share this").click()
    expect(item.get_by_role("button", name="I share this (undo)")).to_be_visible()

    carol.reload()
    expect(carol.locator("#connection")).to_have_text("Connected")
    # No join form again: the page rejoined with the stored resume token, as the same person.
    expect(carol.get_by_role("heading", name="Raise an issue")).to_be_visible()
    expect(carol.get_by_role("heading", name="Join the meeting")).to_be_hidden()
    item = issue_item(carol, "Fly-tipping behind the library")
    expect(item).to_contain_text("raised by Dan")
    expect(carol.locator("#my-name")).to_have_text("Carol")  # "You are taking part as Carol"
    expect(item.get_by_role("button", name="I share this (undo)")).to_have_attribute("aria-pressed", "true")
    expect(item).to_contain_text("1 person shares this")
    # Voting again is still one vote: the server knows this is the same resident.
    item.get_by_role("button", name="I share this (undo)").click()
    expect(item).to_contain_text("0 people share this")


def test_room_at_desktop_width(new_page, meeting):
    page = new_page(viewport=DESKTOP)
    join_room(page, meeting.id, "Dev")
    post_issue(page, "Parking on the pavement by the school gates", category="Roads and parking")
    expect(issue_item(page, "Parking on the pavement by the school gates")).to_be_visible()
    axe_check(page, "room at desktop width")
    shoot(page, "room-resident-desktop")
    assert re.search(r"/meetings/\d+$", page.url)
