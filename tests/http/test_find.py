"""Finding your beat over HTTP and the command line: the CONTRACT's /find, `beats boundary`, `postcodes import`."""
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data" / "places"


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


@pytest.fixture
def mapped(app, make_beat):
    make_beat("riverside", "Riverside")
    make_beat("hillside", "Hillside")
    for slug, name in [("riverside", "riverside.geojson"), ("hillside", "hillside.police-uk.json")]:
        result = run(app, "beats", "boundary", slug, str(DATA / name))
        assert result.exit_code == 0 and "Imported the boundary" in result.output, result.output
    result = run(app, "postcodes", "import", str(DATA / "postcodes.csv"))
    assert result.exit_code == 0 and "Imported 4 postcodes" in result.output, result.output


def test_a_postcode_or_a_location_redirects_to_the_beat(client, mapped):
    found = client.get("/find?postcode=ls6+1aa")
    assert found.status_code == 302 and found.headers["Location"].endswith("/beats/riverside")
    here = client.get("/find?lat=53.81&lng=-1.47")
    assert here.status_code == 302 and here.headers["Location"].endswith("/beats/hillside")


@pytest.mark.parametrize(("query", "status", "says"), [
    ("postcode=LS9+9ZZ", 404, "LS9 9ZZ is outside every beat"),
    ("postcode=LS6+1AB", 404, "outside every beat"),  # in Riverside's hole
    ("lat=51.5&lng=-0.12", 404, "outside every beat"),
    ("postcode=SW1A+2AA", 404, "We don&#39;t know the postcode SW1A 2AA"),
    ("postcode=hello", 400, "Enter a full postcode"),
    ("lat=abc&lng=1", 400, "latitude and a longitude"),
    ("lat=95&lng=1", 400, "latitude and a longitude"),
    ("", 400, "Enter a full postcode"),
])
def test_places_in_no_beat_get_a_page_that_says_so(client, mapped, query, status, says):
    page = client.get(f"/find?{query}")
    assert page.status_code == status
    html = page.get_data(as_text=True)
    assert says in html and 'id="find-postcode"' in html  # and the form to try again


def test_the_home_page_offers_find_your_beat_and_the_beat_page_its_outline(client, mapped):
    home = client.get("/").get_data(as_text=True)
    assert 'action="/find"' in home and 'id="find-here"' in home and "never stored" in home
    beat = client.get("/beats/riverside").get_data(as_text=True)
    assert '<svg' in beat and "Outline of the area Riverside covers" in beat
    assert "geolocation=(self)" in client.get("/").headers["Permissions-Policy"]


def test_the_cli_refuses_bad_files_clearly_and_changes_nothing(app, client, beat, tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "Point", "coordinates": [0, 0]}')
    result = run(app, "beats", "boundary", beat.slug, str(bad))
    assert result.exit_code == 1 and "Polygon or MultiPolygon" in result.output and "[invalid_boundary]" in result.output
    result = run(app, "beats", "boundary", "nowhere", str(DATA / "riverside.geojson"))
    assert result.exit_code == 1 and "does not exist" in result.output
    columns = tmp_path / "wrong.csv"
    columns.write_text("postcode,latitude,longitude\nLS6 1AA,53.8,-1.5\n")
    result = run(app, "postcodes", "import", str(columns))
    assert result.exit_code == 1 and "pcds" in result.output
    assert "<svg" not in client.get(f"/beats/{beat.slug}").get_data(as_text=True)
