"""The evidence page and the room's pulse and "about you" parts in a real browser, with axe-core at
zero serious or critical violations; screenshots for the README (docs/screenshots/)."""
import shutil
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select

from pact.evidence import pulse
from pact.evidence.demographics import import_population
from pact.extensions import db
from pact.meetings import hybrid, issues, stages
from pact.models import Participant, PulseAnswer, Stage
from tests.browser.conftest import DESKTOP, PHONE, axe_check, no_horizontal_scroll, shoot, sign_in
from tests.domain.evidence_script import SECOND, at, join, script_first, script_second

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_evidence_page_reads_and_passes_axe(new_page, beat, officer):
    first, _ = script_first(beat, officer)
    second, people = script_second(beat)
    stages.change_stage(second, Stage.VOTING, now=at(SECOND, 30))
    hybrid.set_room_size(second, 30, user=officer, now=at(SECOND, 31))  # a hybrid meeting: 30 in the hall
    people += [join(second, f"R{n}", f"r{n}") for n in range(3)]
    for n, person in enumerate(people):
        person.age_band = "65-74" if n < 5 else "25-34"
        pulse.record_pulse(second, person, 3 + n % 3, 2 + n % 4, now=at(SECOND, 40))
    import_population("beat,age_band,share\n" + "".join(f"riverside,{b},{s}\n" for b, s in zip(
        ["16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"], [0.16, 0.2, 0.16, 0.14, 0.12, 0.12, 0.1],
        strict=True)),
        now=at(SECOND, 0))
    db.session.commit()

    page = new_page(viewport=DESKTOP)
    sign_in(page, officer.email)
    page.goto("/inspector/evidence?beat=riverside")
    expect(page.get_by_role("heading", name="Evidence of engagement and follow-through")).to_be_visible()
    expect(page.get_by_role("img", name="Residents who joined, per meeting")).to_be_visible()
    expect(page.locator("dd", has_text="average").first).to_be_visible()  # the pulse, from 6 answers
    in_room = page.locator(".facts > div", has_text="People in the room").locator("dd")
    expect(in_room).to_have_text("30")  # counted apart from the 9 who joined online
    page.evaluate("window.scrollTo(0, 0)")  # the README's picture: the headline figures, from the top
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(shoot(page, "evidence-desktop", full_page=False), SCREENSHOTS / "evidence-desktop.png")
    page.get_by_text("Data table: Residents who joined, per meeting").click()
    expect(page.get_by_role("table").filter(has_text="2026-12-01").first).to_be_visible()
    axe_check(page, "evidence page, desktop")

    phone = new_page(viewport=PHONE)
    sign_in(phone, officer.email)
    phone.goto(f"/meetings/{first.id}/evidence")
    axe_check(phone, "meeting evidence pack, phone")
    assert no_horizontal_scroll(phone) == 0


def test_resident_skips_about_you_and_answers_the_pulse(new_page, make_meeting):
    meeting = make_meeting(stage=Stage.VOTING)
    page = new_page(viewport=PHONE)
    page.goto(f"/meetings/{meeting.id}")
    page.get_by_text("About you (optional, anonymous)").click()
    page.get_by_label("First half of your postcode (for example LS6)").fill("ls6")
    page.get_by_label("Age", exact=True).select_option("35-44")
    axe_check(page, "join with about you open")
    page.get_by_label("Display name").fill("Alice")
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.get_by_role("heading", name="Two quick questions (optional)")).to_be_visible()
    axe_check(page, "pulse panel while voting")
    page.locator("input[name=listened][value='4']").check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator("#pulse-status")).to_have_text("Thank you: your answers are saved. You can change them.")
    db.session.expire_all()
    alice = db.session.scalar(select(Participant).where(Participant.display_name == "Alice"))
    assert (alice.postcode_district, alice.age_band) == ("LS6", "35-44")
    answer = db.session.scalar(select(PulseAnswer))
    assert (answer.listened, answer.confidence) == (4, None)

    other = new_page(viewport=PHONE)  # skipping is nothing to do: the fields stay closed and empty
    other.goto(f"/meetings/{meeting.id}")
    other.get_by_label("Display name").fill("Bob")
    other.get_by_role("button", name="Join", exact=True).click()
    expect(other.get_by_role("heading", name="Two quick questions (optional)")).to_be_visible()
    db.session.expire_all()
    bob = db.session.scalar(select(Participant).where(Participant.display_name == "Bob"))
    assert (bob.postcode_district, bob.age_band) == (None, None)




def test_residents_see_a_referral_in_the_room_as_it_happens(new_page, make_meeting, officer):
    """An officer refers an issue on the referrals page; the resident's open room shows
    "Referred to the council" on it without reloading (issue_updated with `referred_to`)."""
    meeting = make_meeting(stage=Stage.LIVE)
    alice = join(meeting, "Alice", "alice")
    issues.post_issue(meeting, alice, "Fly-tipping behind the shops", now=meeting.starts_at)
    db.session.commit()
    room = new_page(viewport=PHONE)
    room.goto(f"/meetings/{meeting.id}")
    card = room.locator("li[data-issue-id]", has_text="Fly-tipping behind the shops")
    expect(card).to_be_visible()
    expect(card.get_by_text("Referred to", exact=False)).to_have_count(0)

    desk = new_page(viewport=DESKTOP)
    sign_in(desk, officer.email)
    desk.goto(f"/meetings/{meeting.id}/referrals")
    desk.get_by_label("Partner", exact=True).select_option("council")
    desk.get_by_label("Note to the partner (residents do not see it)").fill("Ref 1234, photos sent")
    desk.get_by_role("button", name="Refer").click()
    expect(desk.get_by_text("Referred. Residents now see this")).to_be_visible()

    expect(card.get_by_text("Referred to the council")).to_be_visible()  # live, no reload
    expect(room.get_by_text("Ref 1234")).to_have_count(0)
    axe_check(room, "room with a referred issue, phone")
    room.reload()
    expect(room.locator("li[data-issue-id]", has_text="Fly-tipping").get_by_text("Referred to the council")).to_be_visible()
