"""A Welsh-speaking resident takes part in Welsh: subscribes to the beat's e-mails (confirm, manage,
unsubscribe), joins, posts, supports an issue, meets an emergency hold, says whether the last
meeting's priorities were dealt with, and every page says `lang="cy"`, with axe at zero serious or
critical violations. The real server runs its mail worker against a real SMTP server (aiosmtpd)."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_check, issue_item, mail_worker_env, path_in, shoot

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(server_factory, smtp, tmp_path):
    return server_factory(env=mail_worker_env(smtp, tmp_path))


def _welsh_page(page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "cy")

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


def test_a_resident_subscribes_confirms_manages_and_unsubscribes_in_welsh(new_page, beat, smtp):
    page = new_page(locale="cy-GB")
    page.goto(f"/beats/{beat.slug}?lang=cy")
    _welsh_page(page)
    form = page.get_by_role("region", name="Cael nodiadau atgoffa")
    form.get_by_label("Eich cyfeiriad e-bost").fill("alys@example.org")
    form.get_by_label("Y crynodeb pan fydd cyfarfod yn cau: yr hyn a gytunwyd").check()
    axe_check(page, "beat page in Welsh with the subscribe form")
    form.get_by_role("button", name="Anfonwch ddolen gadarnhau ataf").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edrychwch ar eich e-bost")
    _welsh_page(page)
    axe_check(page, "check your e-mail, in Welsh")
    [confirmation] = smtp.inbox.wait_for(1)
    link = path_in(confirmation, "/subscriptions/confirm/")
    page.goto(link)  # the cookie remembers Welsh
    _welsh_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Cadarnhewch eich e-byst am {beat.name}")
    axe_check(page, "confirm page in Welsh")
    page.get_by_role("button", name="Cadarnhau fy e-byst").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rydych wedi tanysgrifio")
    axe_check(page, "subscribed, in Welsh")
    page.get_by_role("link", name="Dewis beth a gewch").click()
    _welsh_page(page)
    summaries = page.get_by_label("Y crynodeb pan fydd cyfarfod yn cau: yr hyn a gytunwyd")
    expect(summaries).to_be_checked()
    summaries.uncheck()
    page.get_by_role("button", name="Cadw").click()
    expect(page.get_by_role("alert")).to_contain_text("Ticiwch o leiaf un math o e-bost")
    axe_check(page, "manage page in Welsh with an error")
    shoot(page, "mail-manage-welsh-phone")
    page.get_by_role("button", name="Dad-danysgrifio a dileu fy nghyfeiriad").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rydych wedi dad-danysgrifio")
    _welsh_page(page)
    axe_check(page, "unsubscribed, in Welsh")
    page.goto("/privacy")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sut rydym yn defnyddio eich cyfeiriad e-bost")
    _welsh_page(page)
    axe_check(page, "privacy notice in Welsh")


@pytest.fixture
def next_meeting(meeting, officer, make_meeting):
    """The beat's last meeting closed with one priority; the next one is live."""
    from pact.extensions import db
    from pact.meetings import priorities
    from pact.meetings.issues import post_issue
    from pact.meetings.participants import join_resident
    from pact.models import utcnow

    now = utcnow()
    author, _ = join_resident(meeting, "Alys", now=now)
    issue = post_issue(meeting, author, "Ceir yn goryrru ar Heol y Felin", None, now=now).issue
    priorities.close_meeting(meeting, [{"issue_id": issue.id, "action": "Gwiriadau cyflymder bob wythnos"}],
                             user=officer, now=now)
    db.session.commit()
    return make_meeting(title="Cyfarfod mis nesaf")


def test_a_resident_says_in_welsh_whether_last_meetings_priorities_were_dealt_with(new_page, next_meeting):
    gwen = new_page(locale="cy-GB")
    _join_in_welsh(gwen, next_meeting.id, "Gwen")
    _welsh_page(gwen)
    review = gwen.get_by_role("region", name="Blaenoriaethau'r cyfarfod diwethaf: a gawsant eu datrys?")
    expect(review).to_contain_text("Gwiriadau cyflymder bob wythnos")
    verdicts = review.get_by_role("group", name=re.compile("Ceir yn goryrru ar Heol y Felin"))
    expect(verdicts).to_contain_text("A gafodd ei ddatrys?")
    dealt, not_dealt = (verdicts.get_by_role("button", name=n, exact=True) for n in ("Wedi'i ddatrys", "Heb ei ddatrys"))
    expect(dealt).to_have_attribute("aria-pressed", "false")
    axe_check(gwen, "room in Welsh with last meeting's priorities")
    not_dealt.click()
    expect(not_dealt).to_have_attribute("aria-pressed", "true")
    expect(not_dealt).to_be_focused()
    expect(gwen.locator("#announcer")).to_contain_text("Diolch: dywedoch chi nad oedd wedi'i ddatrys.")
    dealt.click()
    expect(dealt).to_have_attribute("aria-pressed", "true")
    expect(not_dealt).to_have_attribute("aria-pressed", "false")
    expect(verdicts).not_to_contain_text("Dealt with")
    axe_check(gwen, "room in Welsh, a verdict given")
    shoot(gwen, "room-welsh-verdicts-phone")
