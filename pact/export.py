"""Formats: plain data in, file text out — CSV, police.uk JSON, meeting JSON, iCalendar, Atom.

No database and no HTTP here: the domain builds the data (pact/meetings/summary.py, reporting.py),
the views decide who may download what, and these functions only render (tested on their own).
"""
from __future__ import annotations

import csv
import html
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pact import localtime
from pact.i18n import N_, translate

CSV_COLUMNS = [
    ("beat", "Beat"), ("meeting_date", "Meeting date"), ("meeting_title", "Meeting"), ("position", "Position"),
    ("priority", "Priority"), ("votes", "Votes"), ("action", "Action promised"), ("owner", "Owner"),
    ("review_on", "Review date"), ("status", "Status"), ("latest_progress", "Latest progress"),
    ("latest_progress_on", "Latest progress date"),
]
# A spreadsheet runs a cell that starts with one of these as a formula (FINDINGS: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
POLICE_UK_DATE = "%Y-%m-%dT%H:%M:%S"
MEETING_LENGTH = timedelta(minutes=90)  # meetings have a start only; calendars need an end
ATOM = "http://www.w3.org/2005/Atom"


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def priorities_csv(rows: Iterable[dict[str, Any]]) -> str:
    """One row per agreed priority, with a header; UTF-8 BOM so spreadsheets read accents right."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([label for _, label in CSV_COLUMNS])
    for row in rows:
        writer.writerow([safe_cell(row[key]) for key, _ in CSV_COLUMNS])
    return out.getvalue()


def police_uk_date(value: datetime | None, tz: ZoneInfo | None = None) -> str | None:
    """Local time without a zone, as data.police.uk writes dates (pact.localtime.police_uk)."""
    return localtime.police_uk(value, tz)


def police_uk_priorities(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The data.police.uk neighbourhood-priorities shape: exactly issue, issue-date, action, action-date.

    `issue` and `action` are HTML, so the text is escaped; `issue-date` is when the priority was
    agreed and `action-date` when progress was last reported (local time, no zone, as police.uk writes)."""
    return [
        {
            "issue": html.escape(row["priority"]),
            "issue-date": police_uk_date(row["agreed_at"]),
            "action": html.escape(row["action"]) if row["action"] else None,
            "action-date": police_uk_date(row["action_at"]),
        }
        for row in rows
    ]


def police_uk_events(rows: Iterable[dict[str, Any]], *, tz: ZoneInfo | None = None) -> list[dict[str, Any]]:
    """The data.police.uk neighbourhood-events shape: title, description, address, type, start_date,
    end_date (local, no zone) and contact_details. Text is escaped, as police.uk's fields are HTML."""
    events = []
    for row in rows:
        contact: dict[str, str] = {"web": row["url"]}
        if row.get("dial_in"):
            contact["telephone"] = row["dial_in"]
        description = row.get("description") or f"PACT meeting for {row['beat']}. Join online from any browser."
        events.append({
            "title": html.escape(row["title"]), "description": html.escape(description),
            "address": html.escape(row.get("venue") or "Online (PACT Live)"), "type": "meeting",
            "start_date": police_uk_date(row["starts_at"], tz), "end_date": police_uk_date(row.get("ends_at"), tz),
            "contact_details": contact,
        })
    return events


def json_text(data: Any) -> str:
    """Stable, readable JSON (UTF-8, keys in order) for downloads compared byte for byte in tests."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def calendar_ics(beat: dict[str, str], meetings: Iterable[dict[str, Any]], *, host: str, now: datetime) -> bytes:
    """An iCalendar feed of a beat's upcoming meetings (RFC 5545), one VEVENT per meeting; its words in
    the reader's language (English outside a request, as for e-mails until they are translated)."""
    import icalendar  # here, not at the top: ~3 MB that a live server process rarely needs

    cal = icalendar.Calendar()
    cal.add("prodid", "-//PACT Live//Beat meetings//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    names = {"beat": beat["name"]}
    cal.add("x-wr-calname", translate(N_("PACT meetings: %(beat)s")) % names)
    cal.add("x-wr-caldesc", translate(N_("Police and Communities Together meetings for %(beat)s.")) % names)
    for meeting in meetings:
        event = icalendar.Event()
        event.add("uid", f"meeting-{meeting['id']}@{host}")
        event.add("dtstamp", _utc(now))
        if meeting.get("sequence"):  # a rescheduled or cancelled event: same UID, higher SEQUENCE (RFC 5545)
            event.add("sequence", meeting["sequence"])
        event.add("dtstart", _utc(meeting["starts_at"]))
        event.add("dtend", _utc(meeting.get("ends_at") or meeting["starts_at"] + MEETING_LENGTH))
        event.add("summary", meeting["title"])
        lines = [meeting["description"]] if meeting.get("description") else []
        if meeting.get("cancel_reason"):
            lines.insert(0, translate(N_("CANCELLED: %(reason)s")) % {"reason": meeting["cancel_reason"]})
        lines.append(translate(N_("PACT meeting for %(beat)s. Join online from any browser: %(url)s"))
                     % {**names, "url": meeting["url"]})
        if meeting.get("dial_in"):
            lines.append(translate(N_("Dial in: %(number)s")) % {"number": meeting["dial_in"]})
        event.add("description", "\n\n".join(lines))
        event.add("location", meeting.get("venue") or translate(N_("Online (PACT Live)")))
        event.add("url", meeting["url"])
        event.add("status", "CANCELLED" if meeting.get("cancelled") else "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()


# Characters XML 1.0 forbids (ElementTree writes them, and then no reader can parse the feed).
# Text is cleaned where it comes in (pact/meetings/text.py); this guards rows saved before that.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """Text without the characters XML 1.0 forbids (control characters), for Atom feeds."""
    return _NOT_XML.sub("", value)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        node.text = xml_text(text)
    return node


def feed_atom(feed: dict[str, Any], entries: list[dict[str, Any]]) -> bytes:
    """An Atom feed (RFC 4287): `feed` has id, title, link, self_link, updated; each entry has id,
    title, link, updated, summary (plain text) and author."""
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    if feed.get("lang"):
        root.set("{http://www.w3.org/XML/1998/namespace}lang", feed["lang"])
    _sub(root, "id", feed["id"])
    _sub(root, "title", feed["title"])
    _sub(root, "subtitle", feed.get("subtitle") or "")
    _sub(root, "link", rel="alternate", type="text/html", href=feed["link"])
    _sub(root, "link", rel="self", type="application/atom+xml", href=feed["self_link"])
    updated = max([e["updated"] for e in entries], default=feed["updated"])
    _sub(root, "updated", localtime.iso(updated))
    author = _sub(root, "author")
    _sub(author, "name", feed["author"])
    _sub(root, "generator", "PACT Live")
    for item in sorted(entries, key=lambda e: (e["updated"], e["id"]), reverse=True):
        entry = _sub(root, "entry")
        _sub(entry, "id", item["id"])
        _sub(entry, "title", item["title"])
        _sub(entry, "link", rel="alternate", type="text/html", href=item["link"])
        _sub(entry, "updated", localtime.iso(item["updated"]))
        _sub(entry, "published", localtime.iso(item.get("published") or item["updated"]))
        if item.get("author"):
            _sub(_sub(entry, "author"), "name", item["author"])
        _sub(entry, "summary", item["summary"], type="text")
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"


def table_csv(columns: Iterable[str], rows: Iterable[dict[str, Any]]) -> str:
    """Rows of plain data under a header of `columns` (machine names), formula-safe like priorities_csv."""
    columns = list(columns)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(row.get(key, "")) for key in columns])
    return out.getvalue()


REFERRAL_COLUMNS = ("referral_id", "beat", "meeting_id", "meeting_date", "issue_id", "issue", "partner",
                    "partner_name", "note", "status", "referred_by", "referred_on", "updated_on")
