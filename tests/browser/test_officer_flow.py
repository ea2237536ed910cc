"""A whole meeting in the browser: residents raise issues, the officer answers, shortlists, starts
voting and closes with priorities; the summary shows them (with JavaScript off too); staff download
the exports."""
import csv
import io
import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, axe_check, issue_item, join_room, manage, post_issue, shoot, sign_in

pytestmark = pytest.mark.browser

RACING = "Cars racing on the bypass after midnight"
PARK = "Needles left in the play park"
GRAFFITI = "Graffiti on the underpass"


def test_officer_answers_starts_voting_and_closes_with_priorities(new_page, meeting, officer):
    alice = new_page(PHONE)
    join_room(alice, meeting.id, "Alice")
    post_issue(alice, RACING, category="Roads and parking")
    cara = new_page(PHONE)  # raises PARK: no one supports their own issue
    join_room(cara, meeting.id, "Cara")
    post_issue(cara, PARK, category="Drugs")
    bob = new_page(PHONE)
    join_room(bob, meeting.id, "Bob")
    post_issue(bob, GRAFFITI, category="Litter, graffiti and fly-tipping")
    issue_item(bob, RACING).get_by_role("button", name="I share this").click()
    expect(issue_item(alice, RACING)).to_contain_text("1 person shares this")

    pc = new_page(DESKTOP)
    sign_in(pc, officer.email)
    pc.goto(f"/meetings/{meeting.id}")
    expect(pc.get_by_role("heading", name="Officer controls")).to_be_visible()
    expect(issue_item(pc, GRAFFITI)).to_be_visible()
    axe_check(pc, "room, officer view")
    shoot(pc, "room-officer-desktop")

    # The officer answers; residents see it at once and hear it through the live region.
    racing = manage(pc, RACING)
    racing.get_by_label("Answer this issue").fill("Speed checks on the bypass start on Friday night.")
    racing.get_by_role("button", name="Send answer").click()
    answer = issue_item(alice, RACING).locator(".answer")
    expect(answer).to_contain_text("Answer from PC Jones")
    expect(answer).to_contain_text("Speed checks on the bypass start on Friday night.")
    expect(alice.locator("#announcer")).to_contain_text("Answer from PC Jones: Speed checks on the bypass start on Friday night.")
    expect(issue_item(pc, RACING).get_by_label("Update the answer")).to_be_visible()
    # An empty answer is refused in text tied to its box.
    graffiti = manage(pc, GRAFFITI)
    graffiti.get_by_role("button", name="Send answer").click()
    box = graffiti.get_by_label("Answer this issue")
    expect(box).to_be_focused()
    assert pc.evaluate("el => document.getElementById(el.getAttribute('aria-describedby')).textContent",
                       box.element_handle()).strip(), "the refusal is not tied to the answer box"
    axe_check(pc, "room, officer view, answer refused")

    # A post that is not a local issue is hidden: gone for everyone, its author told why.
    post_issue(bob, "This meeting is a total waste of everyone's time")
    rant_pc = manage(pc, "This meeting is a total waste of everyone's time")
    expect(issue_item(alice, "This meeting is a total waste of everyone's time")).to_be_visible()
    rant_pc.get_by_label("Reason shown to the author (optional)").fill("Not a local policing issue")
    rant_pc.get_by_role("button", name="Hide").click()
    expect(issue_item(alice, "This meeting is a total waste of everyone's time")).to_have_count(0)
    expect(issue_item(bob, "This meeting is a total waste of everyone's time")).to_contain_text(
        "Hidden by a moderator: Not a local policing issue")
    insult = issue_item(pc, "This meeting is a total waste of everyone's time")
    expect(insult.get_by_role("button", name="Restore")).to_be_visible()
    axe_check(bob, "room, author of a hidden post")

    # Shortlist two issues, then open voting: residents see the stage change and are told of it.
    manage(pc, RACING).get_by_label("On the shortlist").check()
    expect(pc.locator("#shortlist-status")).to_have_text("1 issue on the shortlist.")
    manage(pc, PARK).get_by_label("On the shortlist").check()
    expect(pc.locator("#shortlist-status")).to_have_text("2 issues on the shortlist.")
    pc.get_by_role("button", name="Start voting").click()
    expect(alice.locator("#stage")).to_have_text("Voting on priorities")
    expect(alice.locator("#announcer")).to_contain_text("The meeting is now: Voting on priorities")
    expect(alice.get_by_role("heading", name="Raise an issue")).to_be_hidden()
    expect(alice.locator("#votes-left")).to_have_text("You have 3 of 3 priority votes left.")
    axe_check(alice, "room, resident, voting")
    shoot(alice, "room-voting-phone")

    issue_item(alice, PARK).get_by_role("button", name="Vote as a priority").click()
    issue_item(bob, PARK).get_by_role("button", name="Vote as a priority").click()
    issue_item(bob, RACING).get_by_role("button", name="Vote as a priority").click()
    expect(alice.locator("#votes-left")).to_have_text("You have 2 of 3 priority votes left.")
    expect(issue_item(alice, PARK)).to_contain_text("2 priority votes")
    expect(issue_item(pc, RACING)).to_contain_text("1 priority vote")
    # Not on the shortlist: no priority vote.
    expect(issue_item(alice, GRAFFITI).get_by_role("button", name="Vote as a priority")).to_be_disabled()

    # Close: the officer agrees the top two with the action promised.
    pc.get_by_role("button", name="Prepare the priorities").click()
    park_row = pc.locator("fieldset.close-row").filter(has=pc.locator("legend", has_text=PARK))
    racing_row = pc.locator("fieldset.close-row").filter(has=pc.locator("legend", has_text=RACING))
    expect(park_row.get_by_label("Agree as a priority")).to_be_checked()
    park_row.get_by_label("Action promised").fill("Daily sweeps of the play park; needle bins installed.")
    park_row.get_by_label("Owner (optional)").fill("PCSO Patel")
    racing_row.get_by_label("Action promised").fill("Speed checks on Friday and Saturday nights.")
    axe_check(pc, "room, officer, close form")
    pc.get_by_role("button", name="Agree these priorities and close the meeting").click()

    alice.wait_for_url(f"**/meetings/{meeting.id}/summary")  # everyone in the room is taken to the summary
    expect(alice.get_by_role("heading", level=1)).to_have_text("Riverside PACT: what was agreed")
    priorities = alice.locator("ol.priorities > li")
    expect(priorities).to_have_count(2)
    expect(priorities.nth(0)).to_contain_text(PARK)
    expect(priorities.nth(0)).to_contain_text("Daily sweeps of the play park; needle bins installed.")
    expect(priorities.nth(0)).to_contain_text("PCSO Patel")
    expect(priorities.nth(1)).to_contain_text(RACING)
    expect(alice.locator("main")).to_contain_text(GRAFFITI)  # every issue raised is listed
    axe_check(alice, "summary")
    shoot(alice, "summary-phone")

    # Without JavaScript the summary reads the same.
    plain = new_page(DESKTOP, java_script_enabled=False)
    plain.goto(alice.url)
    expect(plain.locator("ol.priorities > li")).to_have_count(2)
    expect(plain.locator("ol.priorities > li").nth(0)).to_contain_text("Daily sweeps of the play park")
    expect(plain.locator("main")).to_contain_text("Speed checks on the bypass start on Friday night.")
    shoot(plain, "summary-desktop")

    # Staff download the exports: the complete meeting (JSON) and the priorities (CSV).
    pc.goto(alice.url)
    with pc.expect_download() as got:
        pc.get_by_role("link", name="Download the complete meeting (JSON, staff only)").click()
    exported = json.loads(Path(got.value.path()).read_text(encoding="utf-8"))
    assert PARK in json.dumps(exported) and "PCSO Patel" in json.dumps(exported)
    pc.get_by_role("link", name="Priorities across beats").click()
    expect(pc.get_by_role("heading", level=1)).to_have_text("Priorities across your beats")
    axe_check(pc, "inspector overview")
    with pc.expect_download() as got:
        pc.get_by_role("link", name="Download these priorities as CSV").click()
    assert got.value.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(Path(got.value.path()).read_text(encoding="utf-8-sig"))))
    assert sorted(r for row in rows for r in row.values() if r in (PARK, RACING)) == sorted([PARK, RACING]), rows

    # The beat page says what was agreed, and reads without JavaScript.
    plain.goto(f"/beats/{meeting.beat.slug}")
    expect(plain.locator("main")).to_contain_text("Daily sweeps of the play park; needle bins installed.")
    expect(plain.get_by_role("link", name="Summary of what was agreed")).to_be_visible()
