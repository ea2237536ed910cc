"""A Welsh-speaking resident takes part in Welsh: joins, posts, supports an issue, meets an emergency
hold, and the page says `lang="cy"` throughout, with axe at zero serious or critical violations."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_check, issue_item, shoot

pytestmark = pytest.mark.browser

EMERGENCY = "There is a fire and someone is hurt, come now"


def _join_in_welsh(page, meeting_id: int, name: str) -> None:
    page.goto(f"/meetings/{meeting_id}?lang=cy")
    page.get_by_label("Enw arddangos").fill(name)
    page.get_by_role("button", name="Ymuno", exact=True).click()
    page.get_by_role("heading", name="Codi mater").wait_for()


def test_a_resident_joins_posts_and_votes_in_welsh(new_page, meeting):
    alys = new_page(locale="cy-GB")
    alys.goto(f"/meetings/{meeting.id}?lang=cy")
    expect(alys.locator("html")).to_have_attribute("lang", "cy")
    expect(alys.locator("#connection")).to_have_text("Wedi cysylltu")
    expect(alys.get_by_role("heading", name="Ymuno â'r cyfarfod")).to_be_visible()
    alys.get_by_role("button", name="Ymuno", exact=True).click()
    expect(alys.get_by_label("Enw arddangos")).to_have_accessible_description("Rhowch enw arddangos i ymuno.")
    axe_check(alys, "room in Welsh, join error")

    _join_in_welsh(alys, meeting.id, "Alys")
    expect(alys.locator("html")).to_have_attribute("lang", "cy")
    box = alys.get_by_label("Beth yw'r broblem yn eich ardal chi?")
    box.fill("Ceir yn rasio ar y ffordd osgoi ar ôl hanner nos")
    expect(alys.locator("#issue-count")).to_have_text("48 o 1,000 nod")
    alys.get_by_label("Categori").select_option(label="Ffyrdd a pharcio")
    alys.get_by_role("button", name="Postio mater").click()
    expect(box).to_have_value("")
    expect(alys.locator("#post-feedback")).to_have_text("Mae eich mater wedi'i bostio.")
    mine = issue_item(alys, "Ceir yn rasio ar y ffordd osgoi ar ôl hanner nos")
    expect(mine).to_contain_text("Ffyrdd a pharcio · codwyd gan Alys")
    expect(mine).to_contain_text("Mae 0 o bobl yn rhannu hyn")
    axe_check(alys, "room in Welsh, joined with an issue")

    bryn = new_page(locale="cy-GB")
    _join_in_welsh(bryn, meeting.id, "Bryn")
    theirs = issue_item(bryn, "Ceir yn rasio ar y ffordd osgoi ar ôl hanner nos")
    theirs.get_by_role("button", name="Rwy'n rhannu hyn", exact=True).click()
    expect(theirs.get_by_role("button", name="Rwy'n rhannu hyn (dadwneud)")).to_have_attribute("aria-pressed", "true")
    expect(theirs).to_contain_text("Mae 1 person yn rhannu hyn")
    expect(mine).to_contain_text("Mae 1 person yn rhannu hyn")  # Alys's page, live
    axe_check(bryn, "room in Welsh, an issue with a vote")
    shoot(bryn, "room-welsh-phone")

    # A post that reads like an emergency: held, and the author told why in Welsh, next to the form.
    bryn.get_by_label("Beth yw'r broblem yn eich ardal chi?").fill(EMERGENCY)
    bryn.get_by_label("Categori").select_option(label="Teimlo'n ddiogel")
    bryn.get_by_role("button", name="Postio mater").click()
    hold = bryn.locator("#hold-message")
    expect(hold).to_be_focused()
    expect(hold).to_contain_text("Nid yw eich neges wedi'i chyhoeddi")
    expect(hold.get_by_role("link", name="Ffonio 999")).to_be_visible()
    axe_check(bryn, "room in Welsh, emergency hold")
