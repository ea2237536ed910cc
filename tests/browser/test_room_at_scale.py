"""Issue 13 in the browser: an officer runs a 100-issue meeting on a desktop and corrects the
outcome after close; a resident on a 360-px phone sees every confirmation and error beside the
form, and is taken to the summary at close. axe at every state."""
import pytest
from playwright.sync_api import expect

from pact.extensions import db
from pact.meetings import issues
from pact.meetings.participants import join_resident
from pact.models import utcnow
from tests.browser.conftest import DESKTOP, axe_check, issue_item, join_room, manage, post_issue, shoot, sign_in

pytestmark = pytest.mark.browser

PLACES = ["Mill Lane", "the park", "the high street", "Church Street", "the station", "Kings Road", "the canal",
          "the Oakfield estate", "the school", "the market"]
PROBLEMS = ["Speeding", "Litter", "Parking on the pavement", "Graffiti", "Noise at night", "Fly-tipping",
            "Potholes", "Dog fouling", "Broken street lights", "Bike theft"]
CATEGORY_KEYS = ["traffic", "environment", "traffic", "environment", "asb", "environment", "traffic", "environment",
                 "safety", "burglary"]
HELD = "Ring me on 07700 900123 about the noise"
PHONE_360 = {"width": 360, "height": 740}


def seed(meeting, count: int) -> list[str]:
    """`count` public issues from ten residents (and one held post), straight through the domain."""
    authors = [join_resident(meeting, f"Neighbour {n}", now=utcnow())[0] for n in range(10)]
    texts = []
    for n in range(count):
        kind = n % 10
        text = f"{PROBLEMS[kind]} near {PLACES[(n // 10) % 10]} (report {n + 1})"
        issues.post_issue(meeting, authors[n % 10], text, CATEGORY_KEYS[kind], now=utcnow())
        texts.append(text)
    assert issues.post_issue(meeting, authors[0], HELD, None, now=utcnow()).hold
    db.session.commit()
    return texts


def in_viewport(page, locator) -> None:
    expect(locator).to_be_visible()
    expect(locator).to_be_in_viewport()


def test_officer_runs_a_100_issue_meeting_then_rewords_and_corrects_a_priority(new_page, meeting, officer):
    texts = seed(meeting, 100)
    alice = new_page()
    join_room(alice, meeting.id, "Alice")
    post_issue(alice, "Cars racing on the bypass after midnight")

    pc = new_page(DESKTOP)
    sign_in(pc, officer.email)
    pc.goto(f"/meetings/{meeting.id}")
    items = pc.locator("#issues li.issue")
    expect(items).to_have_count(101)
    # On a desktop the controls sit beside the issues, not above or below them.
    side, main = pc.locator("#officer-panel").bounding_box(), pc.locator("#issues").bounding_box()
    assert side["x"] >= main["x"] + main["width"] - 1 and side["y"] < main["y"] + 400, (side, main)
    # Per-issue controls only on demand; the held post only once (in the queue).
    expect(pc.get_by_label("Answer this issue")).to_have_count(0)
    expect(pc.locator("#moderation-queue")).to_contain_text(HELD)
    expect(issue_item(pc, HELD)).to_have_count(0)
    # Stage: the current one marked, only valid moves offered.
    expect(pc.locator("#stage-steps li[aria-current=step]")).to_have_text("Live discussion (now)")
    expect(pc.get_by_role("button", name="Start voting")).to_be_visible()
    expect(pc.get_by_role("button", name="Open the discussion (live)")).to_be_hidden()
    axe_check(pc, "officer, 100 issues")
    shoot(pc, "room-officer-100-desktop", full_page=False)

    # Sort and filter.
    pc.get_by_label("Sort", exact=True).select_option(label="Newest")
    expect(items.first.locator(".issue-text")).to_have_text("Cars racing on the bypass after midnight")
    pc.get_by_label("Show", exact=True).select_option(label="Roads and parking")
    expect(items).to_have_count(30)
    expect(pc.locator("#issue-shown")).to_have_text("30 of 102 shown")
    pc.get_by_label("Show", exact=True).select_option(label="Held for review")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text(HELD)
    axe_check(pc, "officer, held filter")
    pc.get_by_label("Show", exact=True).select_option(label="All issues")

    # Reveal one issue's controls, answer it; "unanswered first" moves it to the end.
    first = manage(pc, texts[0])
    expect(first.get_by_role("button", name="Manage")).to_have_count(0)
    expect(first.get_by_role("button", name="Close controls")).to_have_attribute("aria-expanded", "true")
    expect(pc.get_by_label("Answer this issue")).to_have_count(1)
    first.get_by_label("Answer this issue").fill("Speed checks start on Friday.")
    first.get_by_role("button", name="Send answer").click()
    expect(first.locator(".answer")).to_contain_text("Speed checks start on Friday.")
    axe_check(pc, "officer, controls revealed")
    pc.get_by_label("Sort", exact=True).select_option(label="Unanswered first")
    expect(items.last.locator(".issue-text")).to_have_text(texts[0])
    pc.get_by_label("Show", exact=True).select_option(label="Unanswered only")
    expect(items).to_have_count(100)
    pc.get_by_label("Show", exact=True).select_option(label="All issues")

    # Mute: one toggle that shows the state, and the muted are listed.
    racing = manage(pc, "Cars racing on the bypass after midnight")
    racing.get_by_role("button", name="Mute Alice", exact=True).click()
    toggle = racing.get_by_role("button", name="Unmute Alice")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(racing.get_by_role("button", name="Mute Alice", exact=True)).to_have_count(0)
    expect(pc.locator("#muted-list")).to_contain_text("Alice")
    expect(pc.locator("#muted-count")).to_have_text("1")
    expect(alice.locator("#notice")).to_contain_text("muted")
    axe_check(pc, "officer, a participant muted")
    pc.locator("#muted-list").get_by_role("button", name="Unmute Alice").click()
    expect(pc.locator("#muted-count")).to_have_text("0")
    expect(racing.get_by_role("button", name="Mute Alice", exact=True)).to_have_attribute("aria-pressed", "false")

    # Close with a reworded priority: the title is prefilled from the issue and editable.
    pc.get_by_role("button", name="Prepare the priorities").click()
    rows = pc.locator("fieldset.close-row")
    for n in range(1, 3):
        rows.nth(n).get_by_label("Agree as a priority").uncheck()
    row = rows.nth(0)
    title = row.get_by_label("Title residents will read")
    original = title.input_value()
    assert original and original in texts + ["Cars racing on the bypass after midnight"]
    title.fill("Speeding and racing on the bypass")
    row.get_by_label("Action promised").fill("Speed checks twice a wek")
    axe_check(pc, "officer, close form with titles")
    pc.get_by_role("button", name="Agree these priorities and close the meeting").click()
    pc.wait_for_url(f"**/meetings/{meeting.id}/summary")
    alice.wait_for_url(f"**/meetings/{meeting.id}/summary")
    priority = pc.locator("ol.priorities > li")
    expect(priority).to_have_count(1)
    expect(priority).to_contain_text("Speeding and racing on the bypass")
    expect(pc.locator("main")).to_contain_text(original)  # the issue keeps the resident's words

    # After close: correct the action (typo) and the title; the summary says when.
    priority.get_by_role("link", name="Correct this priority").click()
    expect(pc.get_by_label("Action promised")).to_have_value("Speed checks twice a wek")
    axe_check(pc, "correct a priority")
    pc.get_by_label("Title (the priority as residents read it)").fill("")
    pc.get_by_role("button", name="Save the correction").click()
    expect(pc.get_by_role("alert")).to_contain_text("Title")
    expect(pc.get_by_label("Title (the priority as residents read it)")).to_have_attribute("aria-invalid", "true")
    axe_check(pc, "correct a priority, refused")
    pc.get_by_label("Title (the priority as residents read it)").fill("Speeding on the bypass")
    pc.get_by_label("Action promised").fill("Speed checks twice a week")
    pc.get_by_role("button", name="Save the correction").click()
    pc.wait_for_url(f"**/meetings/{meeting.id}/summary*")
    expect(priority).to_contain_text("Speeding on the bypass")
    expect(priority).to_contain_text("Speed checks twice a week")
    expect(priority.locator(".priority-updated")).to_contain_text("updated on")
    axe_check(pc, "summary after a correction")
    priority.get_by_role("link", name="Correct this priority").click()
    expect(pc.locator(".corrections")).to_contain_text("Speed checks twice a wek")


def test_resident_on_a_360px_phone_sees_feedback_in_view_and_is_taken_to_the_summary(new_page, meeting, officer):
    texts = seed(meeting, 30)
    page = new_page(PHONE_360)
    join_room(page, meeting.id, "Pat")
    expect(page.locator("#taking-part")).to_contain_text("You are taking part as Pat")
    expect(page.get_by_label("Category")).to_have_value("")  # nothing preselected
    axe_check(page, "resident joined, phone")

    box = page.get_by_label("What is the problem in your area?")
    page.get_by_role("button", name="Post issue").scroll_into_view_if_needed()
    page.get_by_role("button", name="Post issue").click()
    in_viewport(page, page.locator("#post-error"))
    expect(page.locator("#post-error")).to_have_text("Write your issue first.")
    axe_check(page, "resident, empty post refused")
    box.fill("Speeding near Mill Lane is getting worse")
    expect(page.locator("#post-error")).to_have_text("")  # cleared once fixed

    # A draft close to an issue already raised: support that one instead.
    suggestion = page.locator("#suggestion-list li").filter(has_text=texts[0])
    in_viewport(page, suggestion)
    axe_check(page, "resident, suggestion offered")
    suggestion.get_by_role("button", name="Support this one instead").click()
    in_viewport(page, page.locator("#post-feedback"))
    expect(page.locator("#post-feedback")).to_contain_text("you now support")
    expect(box).to_have_value("")
    expect(issue_item(page, texts[0]).get_by_role("button", name="I share this (undo)")).to_be_attached()

    box.fill("Cars parked across the dropped kerb on Tanner Street")
    page.get_by_label("Category").select_option(label="Roads and parking")
    page.get_by_role("button", name="Post issue").click()
    in_viewport(page, page.locator("#post-feedback"))
    expect(page.locator("#post-feedback")).to_have_text("Your issue was posted.")
    expect(page.get_by_label("Category")).to_have_value("")
    mine = issue_item(page, "Cars parked across the dropped kerb on Tanner Street")
    expect(mine).to_contain_text("Your issue")
    expect(mine.get_by_role("button", name="I share this")).to_have_count(0)

    # Support an issue far down the list: the confirmation is beside that button.
    far = issue_item(page, texts[-1])
    far.get_by_role("button", name="I share this").click()
    in_viewport(page, far.locator(".feedback"))
    expect(far.locator(".feedback")).to_have_text("Thanks: you share this.")
    expect(page.locator("#announcer")).to_contain_text("Thanks: you share this.")

    # A draft survives the move to voting (and back).
    box.fill("Vans parked on the green every weekend")
    pc = new_page(DESKTOP)
    sign_in(pc, officer.email)
    pc.goto(f"/meetings/{meeting.id}")
    pc.get_by_role("button", name="Start voting").click()
    expect(page.locator("#stage")).to_have_text("Voting on priorities")
    expect(page.locator("#draft-kept")).to_be_visible()
    axe_check(page, "resident, voting with a draft kept")
    pc.get_by_role("button", name="Back to discussion").click()
    expect(page.locator("#stage")).to_have_text("Live — raise and support issues")
    expect(box).to_have_value("Vans parked on the green every weekend")

    # At close the resident is taken to the summary.
    pc.get_by_role("button", name="Prepare the priorities").click()
    rows = pc.locator("fieldset.close-row")
    for n in range(1, 3):
        rows.nth(n).get_by_label("Agree as a priority").uncheck()
    rows.nth(0).get_by_label("Action promised").fill("Speed checks on Mill Lane")
    pc.get_by_role("button", name="Agree these priorities and close the meeting").click()
    page.wait_for_url(f"**/meetings/{meeting.id}/summary")
    expect(page.get_by_role("heading", level=1)).to_contain_text("what was agreed")
    axe_check(page, "resident, summary after close")


def test_a_resident_changes_their_name(new_page, meeting):
    page = new_page(PHONE_360)
    join_room(page, meeting.id, "Pat")
    page.get_by_role("button", name="Change name").click()
    name = page.get_by_label("Display name")
    expect(name).to_be_focused()
    expect(name).to_have_value("Pat")
    expect(page.locator("#join-error")).to_contain_text("stays under the old one")
    axe_check(page, "resident, changing name")
    name.fill("Patricia")
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.locator("#taking-part")).to_contain_text("You are taking part as Patricia")
    expect(page.locator("#join-panel")).to_be_hidden()
    page.reload()
    expect(page.locator("#my-name")).to_have_text("Patricia")  # the new name's resume token is kept
