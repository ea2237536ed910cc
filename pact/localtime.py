"""Local time: the one place that turns a stored UTC time into what people read, and back.

Everything people read or type is in the force's zone (`PACT_TIMEZONE`, default Europe/London),
written the UK way ("Tuesday 6 July 2027, 7pm"; "midday", "midnight"). Machines get ISO 8601 with
an offset (`iso`), except the data.police.uk shapes, which use local time without a zone
(`police_uk`). Times are stored in UTC (pact/models/base.py). Pages use the Jinja filters
registered by `init_app`; nothing else in pact/ formats a time for a person.
"""
from __future__ import annotations

import os
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pact.meetings.errors import DomainError
from pact.models.base import utcnow

if TYPE_CHECKING:
    from flask import Flask

DEFAULT_ZONE = "Europe/London"
INPUT_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> and the CLI's --starts use
POLICE_UK_FORMAT = "%Y-%m-%dT%H:%M:%S"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def zone(name: str | None = None) -> ZoneInfo:
    """The force's zone: `name`, else the app's TIMEZONE setting, else Europe/London."""
    if name is None:
        try:
            from flask import current_app

            name = current_app.config.get("TIMEZONE") or DEFAULT_ZONE
        except RuntimeError:  # outside an app (a plain script): the environment or the default
            name = os.environ.get("PACT_TIMEZONE") or DEFAULT_ZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise RuntimeError(f"PACT_TIMEZONE: {name!r} is not a time zone name such as Europe/London.") from None


def from_iso(value: str) -> datetime:
    """An ISO 8601 time read back (`iso`'s "Z" included): aware when it carries an offset."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _as_datetime(value: datetime | str) -> datetime:
    if isinstance(value, str):
        value = from_iso(value)
    if value.tzinfo is None:
        raise ValueError("a naive datetime cannot be shown in local time")
    return value


def local(value: datetime | str, tz: ZoneInfo | None = None) -> datetime:
    """The same instant in the force's zone."""
    return _as_datetime(value).astimezone(tz or zone())


def reader_language() -> str:
    """The language of the page or e-mail being built: the request's, or the one a mail job forces
    (Flask-Babel's `force_locale`); 'en' outside an app, or when it is English."""
    try:
        from flask import has_app_context

        if not has_app_context():
            return "en"
        from pact.i18n import current_language

        return current_language()
    except (ImportError, RuntimeError, KeyError):
        return "en"


def clock(value: datetime) -> str:
    """A clock time the UK way: 7pm, 7:30pm, midday, midnight (Welsh readers: Babel's 19:00)."""
    if reader_language() != "en":
        from babel.dates import format_time

        return format_time(value, "HH:mm", locale=reader_language())
    if value.hour == 12 and value.minute == 0:
        return "midday"
    if value.hour == 0 and value.minute == 0:
        return "midnight"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def day(value: date | datetime | str, *, weekday: bool = True) -> str:
    """A date the UK way: 'Tuesday 6 July 2027' (or '6 July 2027'); a datetime is read locally first."""
    if isinstance(value, str):
        value = local(value) if "T" in value else date.fromisoformat(value)
    elif isinstance(value, datetime):
        value = local(value)
    if reader_language() != "en":  # Welsh: day and month names from Babel's CLDR data
        from babel.dates import format_date

        return format_date(value, "EEEE d MMMM y" if weekday else "d MMMM y", locale=reader_language())
    text = f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    return f"{DAYS[value.weekday()]} {text}" if weekday else text


def when(value: datetime | str | None, tz: ZoneInfo | None = None) -> str:
    """'Tuesday 6 July 2027, 7pm' in the force's zone ('' for None)."""
    if value is None:
        return ""
    moment = local(value, tz)
    return f"{day(moment.date())}, {clock(moment)}"


def span(start: datetime | str, end: datetime | str | None, tz: ZoneInfo | None = None) -> str:
    """'Tuesday 6 July 2027, 7pm to 8:30pm'; an end on another day is written in full."""
    if end is None:
        return when(start, tz)
    first, last = local(start, tz), local(end, tz)
    if first.date() == last.date():
        return f"{when(first, tz)} to {clock(last)}"
    return f"{when(first, tz)} to {when(last, tz)}"


# Babel's unit names and sizes (babel.dates.TIMEDELTA_UNITS: a month is 30 days there).
_UNIT_SECONDS = {"month": 30 * 86400, "week": 7 * 86400, "day": 86400, "hour": 3600, "minute": 60}
BABEL_LOCALE = {"en": "en_GB", "cy": "cy"}


def relative(value: datetime | str, now: datetime) -> str:
    """How far off, in the reader's language: 'in 3 months', 'in 2 weeks', 'in 2 days', 'in 3 hours',
    'in 20 minutes', 'now', '5 days ago' ('ymhen deuddydd', '5 diwrnod yn ôl'). We choose the unit
    (months past 60 days, weeks past 14, then days, hours, minutes); Babel's CLDR data writes it."""
    from babel.dates import format_timedelta

    seconds = (_as_datetime(value) - now).total_seconds()
    future, seconds = seconds >= 0, abs(seconds)
    if seconds >= 60 * 86400:  # far off: months read better than "in 1309 days"
        unit, count = "month", round(seconds / (30.44 * 86400))
    elif seconds >= 14 * 86400:
        unit, count = "week", round(seconds / (7 * 86400))
    elif seconds >= 86400:
        unit, count = "day", round(seconds / 86400)
    elif seconds >= 60:
        unit = "hour" if seconds >= 3600 else "minute"
        count = int(seconds // _UNIT_SECONDS[unit])
    else:
        from pact.i18n import N_, translate

        return translate(N_("now"))
    exact = count * _UNIT_SECONDS[unit] * (1 if future else -1)
    return format_timedelta(exact, granularity=unit, threshold=10**9, add_direction=True,
                            locale=BABEL_LOCALE.get(reader_language(), "en_GB"))


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with 'Z', to the second: what machines read (SNAPSHOT, JSON exports, logs)."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def iso_local(value: datetime | None, tz: ZoneInfo | None = None) -> str | None:
    """ISO 8601 in the force's zone with its offset (+01:00 in summer): for <time datetime>."""
    return local(value, tz).isoformat(timespec="seconds") if value is not None else None


def police_uk(value: datetime | None, tz: ZoneInfo | None = None) -> str | None:
    """Local time without a zone, 'YYYY-MM-DDTHH:MM:SS', as data.police.uk writes its dates."""
    return local(value, tz).strftime(POLICE_UK_FORMAT) if value is not None else None


def input_value(value: datetime | None, tz: ZoneInfo | None = None) -> str:
    """The 'YYYY-MM-DDTHH:MM' local value a datetime-local field shows."""
    return local(value, tz).strftime(INPUT_FORMAT) if value is not None else ""


def parse_local(raw: object, *, field: str = "time", tz: ZoneInfo | None = None) -> datetime:
    """Read 'YYYY-MM-DDTHH:MM' typed in the force's zone; returns the instant in UTC.

    Refuses (`invalid_date`) anything else, and a time the clocks skip in spring (01:30 on the last
    Sunday in March does not happen in London). An hour that happens twice in autumn is read as the
    first (summer time), as people booking a 1:30am meeting would mean."""
    tz = tz or zone()
    text = raw.strip() if isinstance(raw, str) else ""
    try:
        naive = datetime.strptime(text.replace(" ", "T")[:16], INPUT_FORMAT) if len(text) >= 16 else None
    except ValueError:
        naive = None
    if naive is None or len(text) not in (16, 19):
        raise DomainError("invalid_date", f"The {field} must be a date and time like 2026-12-01T19:00.")
    moment = naive.replace(tzinfo=tz)
    if moment.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise DomainError("invalid_date", f"The {field} {text[:16].replace('T', ' ')} does not exist: the clocks "
                                          "go forward that night. Choose a time an hour later.")
    return moment.astimezone(UTC)


def init_app(app: Flask) -> None:
    """Check the zone now (a typo should stop the start, not a page) and register the filters."""
    zone(app.config.get("TIMEZONE") or DEFAULT_ZONE)
    app.jinja_env.filters.update({
        "uk_when": when, "uk_day": day, "uk_date": lambda v: day(v, weekday=False) if v else "",
        "uk_clock": lambda v: clock(local(v)), "uk_span": span, "iso_local": iso_local,
        "input_local": input_value,
    })
    app.jinja_env.globals["relative_time"] = lambda value, now=None: relative(value, now or utcnow())
