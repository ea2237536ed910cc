"""Local time the UK way, on each side of the clock changes (last Sunday in March and October)."""
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pact import export, localtime
from pact.meetings.errors import DomainError

UTC = UTC
LONDON = ZoneInfo("Europe/London")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize("moment, text", [
    (utc(2027, 7, 6, 18, 0), "Tuesday 6 July 2027, 7pm"),  # BST: 18:00 UTC is 7pm
    (utc(2027, 1, 12, 19, 30), "Tuesday 12 January 2027, 7:30pm"),  # GMT: no shift
    (utc(2027, 3, 27, 19, 0), "Saturday 27 March 2027, 7pm"),  # the day before the clocks go forward
    (utc(2027, 3, 28, 18, 0), "Sunday 28 March 2027, 7pm"),  # the day they do (BST from 1am)
    (utc(2027, 10, 30, 18, 0), "Saturday 30 October 2027, 7pm"),  # the last evening of BST
    (utc(2027, 10, 31, 19, 0), "Sunday 31 October 2027, 7pm"),  # back to GMT
    (utc(2026, 12, 1, 12, 0), "Tuesday 1 December 2026, midday"),
    (utc(2026, 12, 1, 0, 0), "Tuesday 1 December 2026, midnight"),
    (utc(2026, 12, 1, 9, 5), "Tuesday 1 December 2026, 9:05am"),
])
def test_times_are_written_the_uk_way_in_local_time(moment, text):
    assert localtime.when(moment, LONDON) == text


@pytest.mark.parametrize("typed, expected_utc", [
    ("2027-03-27T19:00", utc(2027, 3, 27, 19, 0)),  # GMT
    ("2027-03-28T19:00", utc(2027, 3, 28, 18, 0)),  # BST the same weekend
    ("2027-10-30T19:00", utc(2027, 10, 30, 18, 0)),  # still BST
    ("2027-10-31T19:00", utc(2027, 10, 31, 19, 0)),  # GMT again
    ("2026-03-29T19:00", utc(2026, 3, 29, 18, 0)),
    ("2026-10-25T19:00", utc(2026, 10, 25, 19, 0)),
])
def test_typed_times_are_read_in_the_force_zone(typed, expected_utc):
    parsed = localtime.parse_local(typed, tz=LONDON)
    assert parsed == expected_utc and parsed.tzinfo is not None
    assert localtime.input_value(parsed, LONDON) == typed  # the edit form shows what was typed


def test_a_time_the_clocks_skip_is_refused_and_a_doubled_hour_reads_as_summer_time():
    with pytest.raises(DomainError) as error:
        localtime.parse_local("2027-03-28T01:30", tz=LONDON)
    assert error.value.code == "invalid_date" and "clocks" in error.value.message
    assert localtime.parse_local("2027-10-31T01:30", tz=LONDON) == utc(2027, 10, 31, 0, 30)


@pytest.mark.parametrize("raw", ["", "next tuesday", "2027-13-01T19:00", "2027-07-06", "2027-07-06T25:00", None, 7])
def test_anything_else_is_refused_with_the_expected_form(raw):
    with pytest.raises(DomainError) as error:
        localtime.parse_local(raw, tz=LONDON)
    assert error.value.code == "invalid_date" and "2026-12-01T19:00" in error.value.message


def test_machine_formats_carry_offsets_and_police_uk_is_local_without_zone():
    summer = utc(2027, 7, 6, 18, 0)
    assert localtime.iso(summer) == "2027-07-06T18:00:00Z"
    assert localtime.iso_local(summer, LONDON) == "2027-07-06T19:00:00+01:00"
    assert localtime.iso_local(utc(2027, 1, 6, 18, 0), LONDON) == "2027-01-06T18:00:00+00:00"
    assert localtime.police_uk(summer, LONDON) == "2027-07-06T19:00:00"
    assert localtime.police_uk(utc(2027, 10, 31, 19, 0), LONDON) == "2027-10-31T19:00:00"
    assert export.police_uk_date(summer, LONDON) == "2027-07-06T19:00:00"


def test_spans_and_relative_times():
    start = utc(2027, 7, 6, 18, 0)
    assert localtime.span(start, start + timedelta(minutes=90), LONDON) == "Tuesday 6 July 2027, 7pm to 8:30pm"
    assert localtime.span(start, None, LONDON) == "Tuesday 6 July 2027, 7pm"
    assert localtime.span(start, start + timedelta(hours=6), LONDON) == \
        "Tuesday 6 July 2027, 7pm to Wednesday 7 July 2027, 1am"
    assert localtime.relative(start, start - timedelta(days=2)) == "in 2 days"
    assert localtime.relative(start, start - timedelta(hours=3, minutes=10)) == "in 3 hours"
    assert localtime.relative(start, start - timedelta(minutes=1)) == "in 1 minute"
    assert localtime.relative(start, start + timedelta(days=5)) == "5 days ago"
    assert localtime.relative(start, start) == "now"
    assert localtime.relative(start, start - timedelta(days=15)) == "in 2 weeks"
    assert localtime.relative(start, start - timedelta(days=400)) == "in 13 months"


def test_dates_the_uk_way():
    assert localtime.day(date(2027, 7, 6)) == "Tuesday 6 July 2027"
    assert localtime.day("2027-07-06", weekday=False) == "6 July 2027"
    assert localtime.day("2027-07-05T23:30:00Z") == "Tuesday 6 July 2027"  # 12:30am BST is the next day


def test_an_unknown_zone_stops_the_start():
    with pytest.raises(RuntimeError, match="PACT_TIMEZONE"):
        localtime.zone("Europe/Londn")


def test_pact_timezone_decides_what_people_read_and_type(app_config):
    from tests.helpers import fresh_app

    with fresh_app(app_config | {"TIMEZONE": "America/New_York"}, empty=False) as other, other.app_context():
        assert localtime.zone().key == "America/New_York"
        assert localtime.parse_local("2030-07-02T19:00") == utc(2030, 7, 2, 23, 0)
        assert localtime.when(utc(2030, 7, 2, 23, 0)) == "Tuesday 2 July 2030, 7pm"
    assert localtime.zone().key == "Europe/London"  # the default
