"""Safeguarding in the browser: a held post's message where the author is looking, and the
officer's queue with emergencies first."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, axe_check, join_room, shoot, sign_in

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 360, "height": 640}
EMERGENCY = "There is a fire and someone is hurt, come now"
WELFARE = "I can't go on any more, I've decided to end it tonight"


def _post_from_the_form(page, text):
    box = page.get_by_label("What is the problem in your area?")
    box.scroll_into_view_if_needed()
    box.fill(text)
    page.get_by_role("button", name="Post issue").click()
    return box


def test_an_emergency_hold_is_shown_next_to_the_form_focused_with_tappable_numbers(new_page, meeting):
    page = new_page(SMALL_PHONE)
    join_room(page, meeting.id, "Alice")
    box = _post_from_the_form(page, EMERGENCY)
    message = page.locator("#hold-message")
    expect(message).to_be_visible()
    expect(message).to_be_in_viewport()
    expect(message).to_be_focused()
    expect(message).to_have_attribute("role", "alert")
    expect(message).to_contain_text("999")
    call = message.locator('a[href="tel:999"]')
    expect(call).to_be_in_viewport()
    size = call.bounding_box()
    assert size["height"] >= 44 and size["width"] >= 44, size  # big enough to tap
    expect(message.locator('a[href="tel:101"]')).to_be_visible()
    expect(box).to_have_value(EMERGENCY)  # nothing the author typed is lost
    axe_check(page, "room, emergency hold message")
    shoot(page, "room-emergency-hold-phone", full_page=False)
    # The author's next action clears it.
    box.fill("Potholes on the A38 by the school")
    expect(message).to_be_hidden()


def test_a_welfare_hold_names_samaritans(new_page, meeting):
    page = new_page(SMALL_PHONE)
    join_room(page, meeting.id, "Bea")
    _post_from_the_form(page, WELFARE)
    message = page.locator("#hold-message")
    expect(message).to_be_focused()
    expect(message.locator('a[href="tel:116123"]')).to_have_text("Samaritans 116 123")
    expect(message.locator('a[href="tel:999"]')).to_be_visible()
    # A personal-data hold is told calmly: a status next to the form; focus stays where the author is.
    box = _post_from_the_form(page, "ring me on 07700 900123 about the parking")
    expect(message).to_be_visible()
    expect(message).to_have_attribute("role", "status")
    expect(message).to_contain_text("phone number")
    expect(message).not_to_be_focused()
    expect(box).to_have_value("ring me on 07700 900123 about the parking")


def test_the_officers_queue_shows_the_emergency_first_with_an_alert(new_page, meeting, officer):
    pc = new_page(DESKTOP, reduced_motion="reduce")
    sign_in(pc, officer.email)
    pc.goto(f"/meetings/{meeting.id}")
    expect(pc.get_by_role("heading", name="Officer controls")).to_be_visible()
    resident = new_page(SMALL_PHONE)
    join_room(resident, meeting.id, "Alice")
    _post_from_the_form(resident, "ring me on 07700 900123 about the parking")
    expect(resident.locator("#hold-message")).to_be_visible()
    queue = pc.locator("#moderation-queue > li")
    expect(queue).to_have_count(1)
    _post_from_the_form(resident, EMERGENCY)
    expect(queue).to_have_count(2)
    expect(queue.first).to_have_attribute("data-hold", "emergency")
    expect(queue.first).to_contain_text("Emergency — read now")
    alert = pc.locator("#urgent-alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("1 emergency or welfare post")
    assert pc.evaluate("getComputedStyle(document.getElementById('urgent-alert')).animationName") == "none"
    mute = pc.get_by_label("Mute the alert sound")
    mute.check()
    assert pc.evaluate("localStorage.getItem('pact:mute-alerts')") == "1"
    axe_check(pc, "room, officer queue with an emergency")
    shoot(pc, "room-officer-emergency-queue")
    # Redact and publish: the resident sees the edited words only.
    second = queue.nth(1)
    second.get_by_role("button", name="Edit out personal details and publish").click()
    edit = second.get_by_label("The post as it will be published")
    edit.fill("about the parking")
    second.get_by_role("button", name="Publish the edited post").click()
    expect(queue).to_have_count(1)
    watcher = new_page(SMALL_PHONE)
    watcher.goto(f"/meetings/{meeting.id}")
    expect(watcher.locator("#issues")).to_contain_text("about the parking")
    expect(watcher.locator("#issues")).not_to_contain_text("07700")


def test_the_policy_page_and_the_workspace_holds_pass_axe(new_page, make_meeting, officer):
    from pact.extensions import db
    from pact.meetings import issues
    from pact.meetings.participants import join_resident
    from pact.models import Stage, utcnow

    scheduled = make_meeting(stage=Stage.SCHEDULED, title="January PACT")
    resident, _ = join_resident(scheduled, "Ann", now=utcnow())
    issues.post_issue(scheduled, resident, EMERGENCY, now=utcnow())
    db.session.commit()
    page = new_page(SMALL_PHONE)
    page.goto("/moderation-policy")
    expect(page.get_by_role("heading", name="How we moderate posts")).to_be_visible()
    expect(page.locator('a[href="tel:999"]')).to_be_visible()
    axe_check(page, "moderation policy")
    pc = new_page(DESKTOP)
    sign_in(pc, officer.email)
    pc.goto("/officer/")
    expect(pc.get_by_role("heading", name="Held posts waiting (1)")).to_be_visible()
    expect(pc.get_by_role("alert")).to_contain_text("1 emergency or welfare post is waiting")
    axe_check(pc, "officer workspace with an emergency hold")
    # A scheduled room's queue leads with it too.
    pc.goto(f"/meetings/{scheduled.id}")
    expect(pc.locator("#moderation-queue > li").first).to_have_attribute("data-hold", "emergency")
    expect(pc.locator("#urgent-alert")).to_be_visible()
