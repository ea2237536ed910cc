"""The officer's journey without a command line: sign in → workspace → schedule a meeting → its poster
and QR → the room with a stream (click to load) → edit, then cancel, a second meeting. axe on every
new page and state; screenshots at phone and desktop widths (the key ones go to docs/screenshots/)."""
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, axe_check, no_horizontal_scroll, shoot, sign_in

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
PLAYER = "https://www.youtube-nocookie.com/"


def both_widths(page, name: str, *, docs: bool = False) -> None:
    """Screenshots at phone and desktop widths; `docs` also keeps them under docs/screenshots/."""
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        assert no_horizontal_scroll(page) == 0, f"{name} scrolls sideways at {label} width"
        path = shoot(page, f"{name}-{label}")
        if docs:
            DOCS.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, DOCS / path.name)
    page.set_viewport_size(DESKTOP)


def fill_meeting(page, *, title: str, starts: str, ends: str, venue: str = "", stream: str = "") -> None:
    page.get_by_label("Title").fill(title)
    page.get_by_label("Starts").fill(starts)
    page.get_by_label("Ends").fill(ends)
    page.get_by_label("Description").fill("Parking near the school, and the park after dark.")
    page.get_by_label("Venue").fill(venue)
    page.get_by_label("Live stream link").fill(stream)


def test_an_officer_schedules_shares_streams_edits_and_cancels(new_page, officer, beat, make_user):
    pc = new_page(DESKTOP)
    sign_in(pc, officer.email)
    assert pc.url.endswith("/officer/"), pc.url  # staff land in their workspace
    expect(pc.get_by_role("heading", name="Your workspace")).to_be_visible()
    axe_check(pc, "workspace, nothing scheduled")
    both_widths(pc, "officer-workspace-empty")

    # Schedule: a first try with the end before the start is refused, keeping what was typed.
    pc.get_by_role("link", name="Schedule a meeting").first.click()
    expect(pc.get_by_role("heading", name="Schedule a meeting")).to_be_visible()
    axe_check(pc, "schedule form")
    both_widths(pc, "meeting-form", docs=True)
    fill_meeting(pc, title="Riverside PACT, July", starts="2030-07-02T19:00", ends="2030-07-02T18:00",
                 venue="St Mary's Hall, Oak Road", stream=VIDEO)
    pc.get_by_role("button", name="Schedule the meeting").click()
    expect(pc.get_by_role("alert")).to_contain_text("must end after it starts")
    expect(pc.get_by_label("Ends")).to_have_attribute("aria-invalid", "true")
    expect(pc.get_by_label("Title")).to_have_value("Riverside PACT, July")
    axe_check(pc, "schedule form, end before start")
    pc.get_by_label("Ends").fill("2030-07-02T20:30")
    pc.get_by_role("button", name="Schedule the meeting").click()
    expect(pc.locator(".flash")).to_contain_text("Meeting scheduled for Tuesday 2 July 2030, 7pm")
    room_url = pc.url
    expect(pc.locator("#schedule")).to_contain_text("Tuesday 2 July 2030, 7pm to 8:30pm")
    expect(pc.locator("#schedule")).to_contain_text("At St Mary's Hall, Oak Road")
    expect(pc.get_by_role("link", name="Add to your calendar")).to_be_visible()
    axe_check(pc, "scheduled room, officer")

    # Copy the link, then the poster and its QR code.
    pc.context.grant_permissions(["clipboard-read", "clipboard-write"])
    pc.get_by_role("button", name="Copy link").click()
    expect(pc.locator(".share-status")).to_have_text("Link copied.")
    assert pc.evaluate("() => navigator.clipboard.readText()") == pc.get_by_label("Share this meeting").input_value()
    pc.get_by_role("link", name="Poster to print").click()
    expect(pc.get_by_role("heading", name="Riverside PACT, July")).to_be_visible()
    expect(pc.locator(".poster")).to_contain_text("Tuesday 2 July 2030, 7pm to 8:30pm")
    qr = pc.get_by_role("img", name="QR code that opens")
    expect(qr).to_be_visible()
    # the SVG loaded (an image is visible at its set size before it has loaded: wait for it)
    pc.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=qr.element_handle(), timeout=10_000)
    axe_check(pc, "poster")
    both_widths(pc, "poster", docs=True)
    pdf = pc.pdf(format="A4", print_background=True)  # printed as the browser prints it (print styles)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"the poster prints on {pages} A4 pages"
    svg = pc.request.get(room_url + "/qr.svg")
    assert svg.ok and svg.headers["content-type"].startswith("image/svg+xml")

    # The workspace lists it, with its links in.
    pc.goto("/officer/")
    expect(pc.locator(".desk-meeting").filter(has_text="Riverside PACT, July")).to_contain_text("in ")
    axe_check(pc, "workspace with a meeting")
    both_widths(pc, "officer-workspace", docs=True)

    # A resident opens the room: nothing comes from YouTube until they press the button.
    resident = new_page(PHONE)
    asked = []
    resident.context.route(PLAYER + "**", lambda route: (asked.append(route.request.url), route.fulfill(
        status=200, content_type="text/html", body="<!doctype html><html lang=en><title>player</title><p>video</p>")))
    resident.goto(room_url)
    expect(resident.locator("#stream")).to_contain_text("Nothing is loaded from YouTube until you press the button")
    expect(resident.locator("iframe")).to_have_count(0)
    axe_check(resident, "scheduled room with a stream, resident")
    both_widths(resident, "room-scheduled-stream", docs=True)
    resident.set_viewport_size(PHONE)
    assert asked == []
    resident.get_by_role("button", name="Load the video from YouTube").click()
    frame = resident.locator("iframe.stream-video")
    expect(frame).to_be_visible()
    assert frame.get_attribute("src").startswith("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")
    resident.wait_for_function("() => document.querySelector('iframe.stream-video').contentDocument === null")
    assert len(asked) == 1 and asked[0].startswith(PLAYER + "embed/")
    axe_check(resident, "room, stream loaded")
    shoot(resident, "room-stream-loaded-phone")
    resident.get_by_text("Live stream on YouTube").click()  # on a phone the video folds away
    expect(frame).to_be_hidden()
    expect(resident.get_by_label("Display name")).to_be_visible()  # the room works without it

    # A second meeting: reschedule it, then cancel it with a reason residents read.
    pc.goto("/officer/meetings/new?beat=riverside")
    fill_meeting(pc, title="Riverside PACT, August", starts="2030-08-06T19:00", ends="2030-08-06T20:30")
    pc.get_by_role("button", name="Schedule the meeting").click()
    expect(pc.locator(".flash")).to_contain_text("Meeting scheduled")
    second = pc.url
    pc.get_by_role("link", name="Edit, reschedule or cancel this meeting").click()
    expect(pc.get_by_label("Starts")).to_have_value("2030-08-06T19:00")
    axe_check(pc, "edit form")
    both_widths(pc, "meeting-edit")
    pc.get_by_label("Starts").fill("2030-08-13T18:30")
    pc.get_by_label("Ends").fill("2030-08-13T20:00")
    pc.get_by_role("button", name="Save changes").click()
    expect(pc.locator(".flash")).to_contain_text("Meeting rescheduled: now Tuesday 13 August 2030, 6:30pm to 8pm")
    pc.get_by_role("link", name="Edit, reschedule or cancel this meeting").click()
    pc.get_by_role("button", name="Cancel the meeting").click()
    expect(pc.get_by_role("alert")).to_contain_text("Say why the meeting is cancelled")
    axe_check(pc, "cancel refused without a reason")
    pc.get_by_label("Reason residents will read").fill("The hall is being repaired; we will set a new date soon.")
    pc.get_by_role("button", name="Cancel the meeting").click()
    pc.wait_for_url(second)  # back in the room
    expect(pc.locator(".cancelled-notice")).to_contain_text("This meeting is cancelled.")
    expect(pc.locator(".cancelled-notice")).to_contain_text("The hall is being repaired")
    expect(pc.locator("#stage")).to_have_text("Cancelled")
    expect(pc.get_by_role("heading", name="Officer controls")).to_have_count(0)
    axe_check(pc, "cancelled room")
    resident.goto(second)
    expect(resident.locator(".cancelled-notice")).to_contain_text("The hall is being repaired")
    expect(resident.get_by_label("Display name")).to_be_hidden()  # nothing to join
    axe_check(resident, "cancelled room, resident")
    both_widths(pc, "room-cancelled", docs=True)
    pc.goto(f"/beats/{beat.slug}")
    expect(pc.locator(".meeting-item").filter(has_text="Riverside PACT, August")).to_contain_text(
        "Cancelled: The hall is being repaired")
    axe_check(pc, "beat page with a cancelled meeting")


def test_an_account_without_a_beat_is_told_what_to_do(new_page, make_user):
    make_user("new.pc@example.org", "officer", [], name="PC New")
    page = new_page(PHONE)
    sign_in(page, "new.pc@example.org")
    expect(page.get_by_role("heading", name="Your account is not on a beat yet")).to_be_visible()
    axe_check(page, "workspace, no beat")
    shoot(page, "officer-workspace-no-beat-phone")
