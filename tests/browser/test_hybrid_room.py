"""A hybrid meeting in the browser: the officer counts the hall and its show of hands; residents
see "online" and "in the room" side by side; an issue from the floor is marked. axe in each state."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, axe_check, issue_item, join_room, manage, post_issue, shoot, sign_in

pytestmark = pytest.mark.browser
RACING = "Cars racing on the bypass after midnight"


def test_officer_enters_the_room_and_residents_see_both_figures(new_page, meeting, officer):
    alice = new_page(PHONE)
    join_room(alice, meeting.id, "Alice")
    post_issue(alice, RACING, category="Roads and parking")

    pc = new_page(DESKTOP)
    sign_in(pc, officer.email)
    pc.goto(f"/meetings/{meeting.id}")
    panel = pc.locator("#hybrid-panel")
    panel.get_by_label("People in the room").fill("35")
    panel.get_by_role("button", name="Save").click()
    expect(panel.locator("#room-size-status")).to_have_text("Saved: 35 people in the room.")
    racing = manage(pc, RACING)
    racing.get_by_label("Hands in the room").fill("40")
    racing.get_by_role("button", name="Save").click()
    expect(racing.locator(".room-count [role=status]")).to_contain_text("between 0 and 35")
    racing.get_by_label("Hands in the room").fill("21")
    racing.get_by_role("button", name="Save").click()
    expect(issue_item(alice, RACING).locator(".votes")).to_have_text("Online: 0 people share this · In the room: 21")

    panel.get_by_label("An issue raised from the floor").fill("Parking on the verge outside the school")
    panel.get_by_role("button", name="Add as raised in the room").click()
    expect(issue_item(alice, "Parking on the verge outside the school")).to_contain_text("Raised in the room")
    axe_check(pc, "hybrid room, officer view")
    axe_check(alice, "hybrid room, resident view")
    shoot(pc, "room-hybrid-officer-desktop")
