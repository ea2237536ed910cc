"""WCAG 2.2 AA beyond what axe-core sees: keyboard only, visible focus, live announcements with a
pause, reflow at 320 px and 200% text, reduced motion, and pages that read without JavaScript."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    axe_check,
    issue_item,
    join_room,
    manage,
    no_horizontal_scroll,
    post_issue,
    shoot,
    sign_in,
)
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser

FOCUS_STYLE = """() => {
    const el = document.activeElement, s = getComputedStyle(el);
    return {tag: el.tagName, text: (el.getAttribute('aria-label') || el.textContent || el.id || '').trim().slice(0, 60),
            visible: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none'};
}"""


def tab_to(page, target, limit=60, backwards=False):
    """Press Tab until `target` has focus, checking that every stop on the way shows its focus."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focus = page.evaluate(FOCUS_STYLE)
        stops.append(focus)
        assert focus["visible"], f"no visible focus on {focus}"
        if target.evaluate("el => el === document.activeElement"):
            return stops
    raise AssertionError(f"never reached {target} by keyboard; stops: {[s['text'] for s in stops]}")


def test_resident_flow_by_keyboard_alone(new_page, meeting):
    other = new_page(PHONE)
    join_room(other, meeting.id, "Olu")
    post_issue(other, "Broken glass in the play area")
    page = new_page(PHONE)
    page.goto(f"/meetings/{meeting.id}")
    expect(page.locator("#connection")).to_have_text("Connected")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()

    name = page.get_by_label("Display name")
    tab_to(page, name)
    page.keyboard.type("Keyboard Kim")
    page.keyboard.press("Enter")
    text = page.get_by_label("What is the problem in your area?")
    expect(text).to_be_focused()  # joining puts the person where they can write
    page.keyboard.type("Dog fouling along the canal towpath")
    tab_to(page, page.get_by_label("Category"))
    page.keyboard.press("End")  # the last option: "Something else"
    tab_to(page, page.get_by_role("button", name="Post issue"))
    page.keyboard.press("Enter")
    item = issue_item(page, "Dog fouling along the canal towpath")
    expect(item).to_contain_text("Something else · raised by Keyboard Kim")
    expect(item).to_contain_text("Your issue")  # no one supports their own issue
    expect(item.get_by_role("button", name="I share this")).to_have_count(0)
    expect(page.locator("#post-feedback")).to_have_text("Your issue was posted.")

    item = issue_item(page, "Broken glass in the play area")
    vote = item.get_by_role("button", name="I share this")
    tab_to(page, vote)
    page.keyboard.press("Space")
    undo = item.get_by_role("button", name="I share this (undo)")
    expect(undo).to_have_attribute("aria-pressed", "true")
    expect(undo).to_be_focused()  # focus stays on the control after the list is redrawn
    expect(item).to_contain_text("1 person shares this")
    page.keyboard.press("Enter")
    expect(item).to_contain_text("0 people share this")


def test_officer_signs_in_and_answers_by_keyboard_alone(new_page, meeting, officer):
    resident = new_page(PHONE)
    join_room(resident, meeting.id, "Rita")
    post_issue(resident, "Street lights out on Elm Avenue")

    pc = new_page(DESKTOP)
    pc.goto("/login")
    tab_to(pc, pc.get_by_label("Email"))
    pc.keyboard.type(officer.email)
    pc.keyboard.press("Tab")
    expect(pc.get_by_label("Password")).to_be_focused()
    pc.keyboard.type(TEST_PASSWORD)
    pc.keyboard.press("Enter")
    pc.wait_for_url(lambda url: "/login" not in url)
    pc.goto(f"/meetings/{meeting.id}")
    item = issue_item(pc, "Street lights out on Elm Avenue")
    tab_to(pc, item.get_by_role("button", name="Manage"), limit=80)
    pc.keyboard.press("Enter")  # per-issue controls open on demand
    box = item.get_by_label("Answer this issue")
    tab_to(pc, box, limit=80)
    pc.keyboard.type("Reported to the council; repair booked for Tuesday.")
    tab_to(pc, item.get_by_role("button", name="Send answer"))
    pc.keyboard.press("Enter")
    expect(issue_item(resident, "Street lights out on Elm Avenue").locator(".answer")).to_contain_text(
        "Reported to the council; repair booked for Tuesday.")
    expect(resident.locator("#announcer")).to_contain_text(
        "Answer from PC Jones: Reported to the council; repair booked for Tuesday.")


def test_announcements_are_polite_and_can_be_paused(new_page, meeting):
    alice = new_page()
    join_room(alice, meeting.id, "Alice")
    bob = new_page()
    join_room(bob, meeting.id, "Bob")
    announcer = alice.locator("#announcer")
    expect(announcer).to_have_attribute("aria-live", "polite")

    post_issue(bob, "Bins left out on Tanner Street all week")
    expect(announcer).to_contain_text("New issue from Bob: Bins left out on Tanner Street all week")

    alice.get_by_label("Pause live announcements").check()
    post_issue(bob, "Overgrown hedges blocking the pavement on Kings Road")
    expect(issue_item(alice, "Overgrown hedges blocking the pavement on Kings Road")).to_be_visible()
    expect(announcer).not_to_contain_text("Overgrown hedges")

    alice.get_by_label("Pause live announcements").uncheck()
    post_issue(bob, "Potholes on Mill Lane getting worse")
    expect(announcer).to_contain_text("New issue from Bob: Potholes on Mill Lane getting worse")
    expect(announcer).not_to_contain_text("Overgrown hedges")


PAGES = ["/", "/beats/riverside", "/login", "room"]


@pytest.mark.parametrize("width,text_zoom", [(320, "100%"), (320, "200%"), (640, "200%")])
def test_layout_reflows_without_sideways_scrolling(new_page, meeting, width, text_zoom):
    page = new_page({"width": width, "height": 800})
    join_room(page, meeting.id, "Wanda Withaverylongdisplaynamethatgoeson")
    post_issue(page, "Supercalifragilisticexpialidocious-length-words-without-spaces-" * 3)
    for path in PAGES:
        if path != "room":
            page.goto(path)
        else:
            page.goto(f"/meetings/{meeting.id}")
            expect(page.locator("#issues li.issue")).to_have_count(1)
        page.evaluate("z => { document.documentElement.style.fontSize = z; }", text_zoom)
        overflow = no_horizontal_scroll(page)
        assert overflow <= 0, f"{path} at {width}px, text {text_zoom}: {overflow}px of sideways scrolling"
    if width == 320 and text_zoom == "200%":
        shoot(page, "room-320px-text-200")


def test_reduced_motion_is_respected(new_page, meeting):
    page = new_page(reduced_motion="reduce")
    join_room(page, meeting.id, "Mo")
    post_issue(page, "Quad bikes on the playing fields")
    moving = page.evaluate("""() => Array.from(document.querySelectorAll('*')).filter(el => {
        const s = getComputedStyle(el);
        const long = v => v.split(',').some(d => parseFloat(d) > 0.01);
        return (s.animationName !== 'none' && long(s.animationDuration)) || long(s.transitionDuration)
               || s.scrollBehavior === 'smooth';
    }).map(el => el.tagName + '.' + el.className)""")
    assert moving == [], f"still moving with reduced motion: {moving}"


def test_pages_read_without_javascript(new_page, meeting, officer):
    # Some content first, made through the real room.
    alice = new_page()
    join_room(alice, meeting.id, "Alice")
    post_issue(alice, "Youths gathering outside the off-licence")
    pc = new_page(DESKTOP)
    sign_in(pc, officer.email)
    pc.goto(f"/meetings/{meeting.id}")
    item = manage(pc, "Youths gathering outside the off-licence")
    item.get_by_label("Answer this issue").fill("Patrols added on Friday and Saturday evenings.")
    item.get_by_role("button", name="Send answer").click()
    expect(issue_item(alice, "Youths gathering outside the off-licence").locator(".answer")).to_be_visible()

    page = new_page(PHONE, java_script_enabled=False)
    page.goto("/")
    expect(page.get_by_role("heading", name="Live now")).to_be_visible()
    expect(page.get_by_role("link", name="Riverside PACT")).to_be_visible()
    shoot(page, "home-phone")
    page.get_by_role("link", name="Riverside", exact=True).click()
    expect(page.get_by_role("heading", name="Riverside", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Riverside PACT")).to_be_visible()
    shoot(page, "beat-phone")
    page.get_by_role("link", name="Riverside PACT").click()
    expect(page.get_by_role("heading", name="Riverside PACT", level=1)).to_be_visible()
    expect(page.get_by_text("Taking part live (posting, voting, live updates) needs JavaScript.")).to_be_visible()
    item = page.locator("#issues li.issue")
    expect(item.locator(".issue-text")).to_have_text("Youths gathering outside the off-licence")
    expect(item.locator(".answer")).to_contain_text("Patrols added on Friday and Saturday evenings.")
    # Nothing that only the script can drive is on show.
    expect(page.get_by_role("heading", name="Join the meeting")).to_be_hidden()
    expect(page.get_by_label("Pause live announcements")).to_be_hidden()
    expect(page.get_by_text("Not connected")).to_be_hidden()
    shoot(page, "room-no-javascript-phone")

    # axe on the same pages (axe itself needs JavaScript: a scripted page shows the same markup).
    checker = new_page(PHONE)
    for path in ("/", "/beats/riverside", "/login"):
        checker.goto(path)
        axe_check(checker, f"page {path}")

