"""A resident finds their beat from the home page: by postcode, by "use my location", or is told
the place is outside every beat. axe on each page state."""
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, axe_check, shoot

pytestmark = pytest.mark.browser
DATA = Path(__file__).resolve().parent.parent / "data" / "places"


@pytest.fixture
def mapped(app, make_beat):
    make_beat("riverside", "Riverside")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["beats", "boundary", "riverside", str(DATA / "riverside.geojson")]).exit_code == 0
    assert runner.invoke(args=["postcodes", "import", str(DATA / "postcodes.csv")]).exit_code == 0


def test_by_postcode_then_outside_every_beat(new_page, mapped):
    page = new_page(PHONE)
    page.goto("/")
    axe_check(page, "home with find your beat")
    page.get_by_label("Your postcode").fill("ls6 1aa")
    page.get_by_role("button", name="Find my beat").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside")
    assert page.url.endswith("/beats/riverside")
    expect(page.get_by_role("img", name="Outline of the area Riverside covers")).to_be_visible()
    axe_check(page, "beat page with its outline")
    shoot(page, "find-beat-found-phone")

    page.goto("/")
    page.get_by_label("Your postcode").fill("LS9 9ZZ")
    page.get_by_role("button", name="Find my beat").click()
    expect(page.get_by_text("LS9 9ZZ is outside every beat")).to_be_visible()
    expect(page.get_by_label("Your postcode")).to_have_value("LS9 9ZZ")  # nothing typed is lost
    axe_check(page, "outside every beat")


def test_use_my_location(new_page, mapped):
    page = new_page(PHONE, geolocation={"latitude": 53.81, "longitude": -1.58}, permissions=["geolocation"])
    page.goto("/")
    page.get_by_role("button", name="Use my location").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside")
    assert page.url.endswith("/beats/riverside")


def test_in_welsh_from_the_home_page_to_the_beat(new_page, mapped):
    page = new_page(PHONE, locale="cy-GB", extra_http_headers={"Accept-Language": "cy-GB,cy;q=0.9"})
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "cy"
    axe_check(page, "home in Welsh")
    page.get_by_label("Eich cod post").fill("LS6 1AA")
    page.get_by_role("button", name="Dod o hyd i fy ardal").click()
    expect(page.get_by_role("heading", level=2, name="Dywedoch chi, gwnaethom ni")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "cy"
    axe_check(page, "beat page in Welsh")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=2, name="You said, we did")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "en-GB"
    shoot(page, "beat-page-english-after-welsh")
