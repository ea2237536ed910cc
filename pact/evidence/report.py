"""The evidence report as plain data: per meeting, per beat over time, and across beats.

Built from attendance.py, followthrough.py, pulse.py, referrals.py and demographics.py for the
beats and dates in `reporting.Filters` (which decides what the signed-in user may see).
"""
from __future__ import annotations

import statistics
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pact.evidence import SMALL_NUMBER
from pact.evidence.attendance import Attendance, meeting_attendance
from pact.evidence.demographics import participation_profile
from pact.evidence.followthrough import FollowThrough, follow_through
from pact.evidence.pulse import PulseFigures, pulse_figures
from pact.evidence.referrals import open_by_partner, referral_row, referrals_for
from pact.extensions import db
from pact.meetings.reporting import Filters
from pact.models import Meeting, Stage

CSV_COLUMNS = (
    "beat", "meeting_id", "meeting_date", "meeting_title", "peak_watching", "unique_watched", "participants",
    "returning_participants", "first_time_participants", "posted", "voted", "issues_raised", "issues_answered",
    "share_answered", "median_minutes_to_answer", "holds", "hidden_posts", "priorities_agreed", "done_on_time",
    "late", "carried_over", "verdicts", "dealt_with_share", "pulse_responses", "listened_mean", "confidence_mean",
)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def held_meetings(filters: Filters) -> list[Meeting]:
    """Meetings that took place (opened or closed) on the filtered beats, dates within the range."""
    if not filters.beats:
        return []
    query = (select(Meeting).where(Meeting.beat_id.in_([b.id for b in filters.beats]),
                                   Meeting.stage.in_((Stage.LIVE, Stage.VOTING, Stage.CLOSED)))
             .options(selectinload(Meeting.beat)).order_by(Meeting.starts_at, Meeting.id))
    if filters.date_from:
        query = query.where(Meeting.starts_at >= _day_start(filters.date_from))
    if filters.date_to:
        query = query.where(Meeting.starts_at < _day_start(filters.date_to + timedelta(days=1)))
    return list(db.session.scalars(query))


def _meeting_row(meeting: Meeting, att: Attendance, ft: FollowThrough, pulse: PulseFigures) -> dict[str, Any]:
    shown = pulse.public()
    return {
        "beat": meeting.beat.slug, "beat_name": meeting.beat.name, "meeting_id": meeting.id,
        "meeting_date": meeting.starts_at.date().isoformat(), "meeting_title": meeting.title,
        "stage": meeting.stage.value, **att.as_dict(), **ft.as_dict(),
        "pulse_responses": pulse.responses, "listened_mean": shown["listened"]["mean"],
        "confidence_mean": shown["confidence"]["mean"], "pulse": shown,
    }


def _sum(rows: list[dict[str, Any]], key: str) -> int:
    return sum(r[key] or 0 for r in rows)


def _combine(rows: list[dict[str, Any]], atts: list[Attendance], fts: list[FollowThrough],
             pulses: list[PulseFigures]) -> dict[str, Any]:
    """Totals over several meetings (one beat, or all): counts add up; shares and medians are recomputed."""
    minutes = [m for a in atts for m in a.minutes_to_answer]
    total_ft = FollowThrough(0)
    for ft in fts:
        for name in ("priorities_agreed", "done_on_time", "done_late", "overdue", "carried_over", "in_hand",
                     "dealt_with", "not_dealt_with"):
            setattr(total_ft, name, getattr(total_ft, name) + getattr(ft, name))
    pulse = PulseFigures()
    for p in pulses:
        pulse = pulse.add(p)
    raised, answered = _sum(rows, "issues_raised"), _sum(rows, "issues_answered")
    holds: dict[str, int] = {}
    for a in atts:
        for code, n in a.holds.items():
            holds[code] = holds.get(code, 0) + n
    return {
        "meetings": len(rows), "peak_watching": max((r["peak_watching"] for r in rows), default=0),
        **{k: _sum(rows, k) for k in ("unique_watched", "participants", "first_time_participants",
                                      "returning_participants", "posted", "voted", "hidden_posts")},
        "issues_raised": raised, "issues_answered": answered, "share_answered": answered / raised if raised else None,
        "median_minutes_to_answer": round(statistics.median(minutes), 1) if minutes else None,
        "holds": dict(sorted(holds.items())), "holds_total": sum(holds.values()),
        **total_ft.as_dict(), "pulse_responses": pulse.responses, "pulse": pulse.public(),
    }


def evidence_report(filters: Filters, *, today: date, partners: Mapping[str, str]) -> dict[str, Any]:
    """Everything the evidence page, the CSV and the pack show for `filters`."""
    meetings = held_meetings(filters)
    ids = [m.id for m in meetings]
    atts, fts, pulses = meeting_attendance(meetings), follow_through(ids, today=today), pulse_figures(ids)
    rows = [_meeting_row(m, atts[m.id], fts[m.id], pulses[m.id]) for m in meetings]
    beats = []
    for beat in filters.beats:
        mine = [m for m in meetings if m.beat_id == beat.id]
        beat_rows = [r for r in rows if r["beat"] == beat.slug]
        beats.append({"beat": beat.slug, "beat_name": beat.name, **_combine(
            beat_rows, [atts[m.id] for m in mine], [fts[m.id] for m in mine], [pulses[m.id] for m in mine])})
    referrals = referrals_for(ids)
    return {
        "meetings": rows, "beats": beats,
        "total": _combine(rows, list(atts.values()), list(fts.values()), list(pulses.values())),
        "referrals": [referral_row(r, partners) for r in referrals],
        "open_referrals": open_by_partner(referrals, partners),
        "profile": participation_profile(atts.values(), [b.id for b in filters.beats]),
        "small_number": SMALL_NUMBER, "today": today,
    }


def trend_series(rows: list[dict[str, Any]]) -> dict[str, list[tuple[str, float | None]]]:
    """Per-meeting series for the charts, labelled by date (and beat when there are several)."""
    several = len({r["beat"] for r in rows}) > 1

    def label(r: dict[str, Any]) -> str:
        return f"{r['meeting_date']} {r['beat']}" if several else r["meeting_date"]

    return {
        "participants": [(label(r), r["participants"]) for r in rows],
        "first_time": [(label(r), r["first_time_participants"]) for r in rows],
        "share_answered": [(label(r), r["share_answered"]) for r in rows],
        "on_time": [(label(r), r["on_time_share"]) for r in rows],
        "listened": [(label(r), r["listened_mean"]) for r in rows],
        "confidence": [(label(r), r["confidence_mean"]) for r in rows],
    }


def csv_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per meeting with CSV_COLUMNS; withheld figures are empty cells."""
    out = []
    for r in report["meetings"]:
        row = {k: r.get(k) for k in CSV_COLUMNS}
        row["holds"] = ";".join(f"{code}={n}" for code, n in r["holds"].items())
        out.append({k: "" if v is None else v for k, v in row.items()})
    return out
