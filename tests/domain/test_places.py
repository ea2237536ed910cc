"""Beat boundaries in the three formats, postcodes, and which beat holds a point."""
from pathlib import Path

import pytest

from pact import places
from pact.extensions import db
from pact.meetings.directory import create_beat
from pact.meetings.errors import DomainError
from pact.models import utcnow
from pact.places.boundaries import detect_format, parse_boundary
from pact.places.outline import outline_svg

DATA = Path(__file__).resolve().parent.parent / "data" / "places"


def load(beat, name):
    return places.import_boundary(beat, name, (DATA / name).read_text(), now=utcnow())


@pytest.fixture
def mapped():
    """Riverside (GeoJSON, with a hole), Hillside (police.uk, sharing Riverside's east edge), Islands (KML)."""
    beats = {slug: create_beat(slug, slug.title()) for slug in ("riverside", "hillside", "islands")}
    load(beats["riverside"], "riverside.geojson")
    load(beats["hillside"], "hillside.police-uk.json")
    load(beats["islands"], "islands.kml")
    with (DATA / "postcodes.csv").open() as lines:
        result = places.import_postcodes(lines)
    assert (result.imported, result.skipped_terminated, result.skipped_no_location) == (4, 1, 1)
    return beats


def test_each_format_is_recognised_by_name_or_content():
    assert detect_format("a.kml", "") == "kml"
    assert detect_format("a.geojson", "") == "geojson"
    assert detect_format("boundary.json", '[{"latitude": "1"}]') == "police-uk"
    assert detect_format("boundary.json", '{"type": "Polygon"}') == "geojson"
    with pytest.raises(DomainError) as refused:
        detect_format("notes.txt", "hello")
    assert refused.value.code == "invalid_boundary"


def test_holes_and_several_parts_are_kept():
    riverside = parse_boundary((DATA / "riverside.geojson").read_text(), "geojson")
    assert len(riverside.geoms) == 1 and len(riverside.geoms[0].interiors) == 1
    islands = parse_boundary((DATA / "islands.kml").read_text(), "kml")
    assert len(islands.geoms) == 2 and sum(len(p.interiors) for p in islands.geoms) == 1


@pytest.mark.parametrize(("lat", "lng", "expected"), [
    (53.81, -1.58, "riverside"),  # inside
    (53.825, -1.55, None),  # in Riverside's hole
    (53.81, -1.47, "hillside"),  # police.uk shape
    (53.81, -1.38, "islands"),  # first island
    (53.81, -1.27, None),  # the second island's hole
    (53.801, -1.29, "islands"),  # second island, outside its hole
    (53.80, -1.55, "riverside"),  # exactly on Riverside's south edge
    (53.81, -1.50, "riverside"),  # on the edge Riverside and Hillside share: the first imported, every time
    (53.70, -1.40, None),  # outside every beat
])
def test_which_beat_holds_a_point(mapped, lat, lng, expected):
    if expected is None:
        with pytest.raises(DomainError) as outside:
            places.find_beat_at(lat, lng)
        assert outside.value.code == "outside_beats"
    else:
        assert places.find_beat_at(lat, lng).slug == expected


def test_postcodes_lead_to_beats_or_say_why_not(mapped):
    assert places.find_beat_by_postcode(" ls6 1aa ").slug == "riverside"
    assert places.find_beat_by_postcode("LS72BB").slug == "hillside"
    for postcode, code in [("LS6 1AB", "outside_beats"), ("LS9 9ZZ", "outside_beats"), ("LS1 1XX", "unknown_postcode"),
                           ("SW1A 2AA", "unknown_postcode"), ("not a postcode", "invalid_postcode"),
                           ("", "invalid_postcode")]:
        with pytest.raises(DomainError) as refused:
            places.find_beat_by_postcode(postcode)
        assert refused.value.code == code, postcode
        assert refused.value.message


def test_a_new_boundary_replaces_the_old_and_the_index_follows(mapped):
    assert places.find_beat_at(53.81, -1.47).slug == "hillside"
    places.import_boundary(mapped["hillside"], "moved.json",
                           '[{"latitude": "50", "longitude": "0"}, {"latitude": "50", "longitude": "0.1"},'
                           ' {"latitude": "50.1", "longitude": "0.1"}]', now=utcnow())
    db.session.flush()
    with pytest.raises(DomainError):
        places.find_beat_at(53.81, -1.47)
    assert places.find_beat_at(50.02, 0.08).slug == "hillside"


@pytest.mark.parametrize(("name", "text", "says"), [
    ("a.json", "{not json", "not valid JSON"),
    ("a.geojson", '{"type": "Point", "coordinates": [0, 0]}', "Polygon or MultiPolygon"),
    ("a.json", '[{"latitude": "x", "longitude": "1"}, {}, {}]', "numeric"),
    ("a.json", '[{"latitude": "1", "longitude": "1"}]', "at least three"),
    ("a.kml", "<kml><Document/></kml>", "no Polygon"),
    ("a.kml", "<kml><Polygon>", "well-formed"),
    ("a.json", ('[{"latitude": "1", "longitude": "1"}, {"latitude": "2", "longitude": "2"},'
               ' {"latitude": "3", "longitude": "3"}]'), "no area"),
    ("a.geojson", '{"type": "Polygon", "coordinates": [[[500, 1], [501, 1], [501, 2], [500, 1]]]}', "WGS 84"),
])
def test_bad_boundary_files_get_a_clear_error(beat, name, text, says):
    with pytest.raises(DomainError) as refused:
        places.import_boundary(beat, name, text, now=utcnow())
    assert refused.value.code == "invalid_boundary" and says in refused.value.message


def test_a_postcode_file_without_the_columns_is_refused():
    with pytest.raises(DomainError) as refused:
        places.import_postcodes(["postcode,latitude\n", "LS6 1AA,53.8\n"])
    assert refused.value.code == "invalid_file" and "pcds" in refused.value.message


def test_the_outline_is_an_svg_with_its_hole_and_a_title():
    area = parse_boundary((DATA / "riverside.geojson").read_text(), "geojson")
    svg = outline_svg(area, label="Riverside <North>")
    assert svg.startswith("<svg") and 'role="img"' in svg and "Riverside &lt;North&gt;" in svg
    assert svg.count(" Z") == 2 and 'fill-rule="evenodd"' in svg
