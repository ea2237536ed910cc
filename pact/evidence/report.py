"""The evidence report as plain data: per meeting, per beat over time, and across beats.

Built from attendance.py, followthrough.py, pulse.py, referrals.py and demographics.py for the
beats and dates in `reporting.Filters` (which decides what the signed-in user may see).
"""
from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select

from pact.evidence import SMALL_NUMBER
from pact.evidence.attendance import Attendance, meeting_figures
from pact.evidence.demographics import participation_profile
from pact.evidence.followthrough import FollowThrough, follow_through
from pact.evidence.pulse import PulseFigures
from pact.evidence.referrals import open_by_partner, referral_row, referrals_for
from pact.extensions import db
from pact.meetings.reporting import Filters, within_days
from pact.models import Beat, Meeting, Stage

CSV_COLUMNS = (
    "beat", "meeting_id", "meeting_date", "meeting_title", "peak_watching", "unique_watched", "participants",
    "returning_participants", "first_time_participants", "posted", "voted", "issues_raised", "issues_answered",
    "share_answered", "median_minutes_to_answer", "holds", "hidden_posts", "priorities_agreed", "done_on_time",
    "late", "carried_over", "verdicts", "dealt_with_share", "pulse_responses", "listened_mean", "confidence_mean",
    "in_room", "issues_raised_in_room",
)


PER_MEETING_LIMIT = 60  # more meetings than this (or several beats) are charted month by month


def _held(query: Select, filters: Filters) -> Select:
    query = query.where(Meeting.beat_id.in_([b.id for b in filters.beats]),
                        Meeting.stage.in_((Stage.LIVE, Stage.VOTING, Stage.CLOSED)))
    return within_days(query, filters)


@dataclass(frozen=True)
class HeldMeeting:
    """What the report needs of a meeting (read as plain rows: thousands of them per page)."""

    id: int
    beat_id: int
    beat: Beat
    title: str
    starts_at: datetime
    stage: Stage
    peak_watching: int
    room_size: int | None


def held_meetings(filters: Filters) -> list[HeldMeeting]:
    """Meetings that took place (opened or closed) on the filtered beats, dates within the range."""
    if not filters.beats:
        return []
    beats = {b.id: b for b in filters.beats}
    query = _held(select(Meeting.id, Meeting.beat_id, Meeting.title, Meeting.starts_at, Meeting.stage,
                         Meeting.peak_watching, Meeting.room_size), filters).order_by(Meeting.starts_at, Meeting.id)
    return [HeldMeeting(r.id, r.beat_id, beats[r.beat_id], r.title, r.starts_at, r.stage, r.peak_watching,
                        r.room_size) for r in db.session.execute(query)]


def held_scope(filters: Filters) -> Select:
    """The same meetings' ids as a subquery (sent as SQL, not as thousands of ids)."""
    return _held(select(Meeting.id), filters)


def _meeting_row(meeting: HeldMeeting, att: Attendance, ft: FollowThrough, pulse: PulseFigures) -> dict[str, Any]:
    shown = pulse.public()
    return {
        "beat": meeting.beat.slug, "beat_name": meeting.beat.name, "beat_id": meeting.beat_id, "meeting_id": meeting.id,
        "meeting_date": meeting.starts_at.date().isoformat(), "meeting_title": meeting.title,
        "stage": meeting.stage.value, **att.as_dict(), **ft.as_dict(),
        "pulse_responses": pulse.responses, "listened_mean": shown["listened"]["mean"],
        "confidence_mean": shown["confidence"]["mean"], "pulse": shown,
    }


COUNTS = ("unique_watched", "participants", "first_time_participants", "returning_participants", "posted", "voted",
          "hidden_posts", "in_room", "issues_raised_in_room", "issues_raised", "issues_answered")
FOLLOW_THROUGH = ("priorities_agreed", "done_on_time", "done_late", "overdue", "carried_over", "in_hand",
                  "dealt_with", "not_dealt_with")


def _combine(rows: list[dict[str, Any]], atts: list[Attendance], fts: list[FollowThrough],
             pulses: list[PulseFigures]) -> dict[str, Any]:
    """Totals over several meetings (one beat, or all): counts add up; shares and medians are recomputed.
    One pass over each list: the page combines 2,500 meetings by beat, by month and in total."""
    totals = dict.fromkeys(COUNTS, 0)
    peak = 0
    for row in rows:
        for key in COUNTS:
            totals[key] += row[key]
        peak = max(peak, row["peak_watching"])
    minutes: list[float] = []
    holds: dict[str, int] = {}
    for a in atts:
        minutes.extend(a.minutes_to_answer)
        for code, n in a.holds.items():
            holds[code] = holds.get(code, 0) + n
    follow = dict.fromkeys(FOLLOW_THROUGH, 0)
    for ft in fts:
        for name in FOLLOW_THROUGH:
            follow[name] += getattr(ft, name)
    pulse = PulseFigures.total(pulses)
    raised, answered = totals["issues_raised"], totals["issues_answered"]
    return {
        "meetings": len(rows), "peak_watching": peak, **totals, "online": totals["participants"],
        "share_answered": answered / raised if raised else None,
        "median_minutes_to_answer": round(statistics.median(minutes), 1) if minutes else None,
        "holds": dict(sorted(holds.items())), "holds_total": sum(holds.values()),
        **FollowThrough(0, **follow).as_dict(), "pulse_responses": pulse.responses, "pulse": pulse.public(),
    }


def evidence_report(filters: Filters, *, today: date, partners: Mapping[str, str]) -> dict[str, Any]:
    """Everything the evidence page, the CSV and the pack show for `filters`."""
    meetings = held_meetings(filters)
    ids, scope = [m.id for m in meetings], held_scope(filters)
    atts, pulses = meeting_figures(meetings, scope=scope)  # stored at each close: few rows to read
    fts = follow_through(ids, today=today, scope=scope)  # live: "overdue" depends on today
    rows = [_meeting_row(m, atts[m.id], fts[m.id], pulses[m.id]) for m in meetings]
    by_beat: dict[int, list[int]] = {}
    for n, _meeting_id in enumerate(ids):
        by_beat.setdefault(rows[n]["beat_id"], []).append(n)
    beats = []
    for beat in filters.beats:
        mine = [ids[n] for n in by_beat.get(beat.id, [])]
        beats.append({"beat": beat.slug, "beat_name": beat.name, **_combine(
            [rows[n] for n in by_beat.get(beat.id, [])], [atts[i] for i in mine], [fts[i] for i in mine],
            [pulses[i] for i in mine])})
    referrals = referrals_for(ids, scope=scope)
    return {
        "meetings": rows, "beats": beats, "trends": _trends(meetings, rows, atts, fts, pulses),
        "total": _combine(rows, list(atts.values()), list(fts.values()), list(pulses.values())),
        "referrals": [referral_row(r, partners) for r in referrals],
        "open_referrals": open_by_partner(referrals, partners),
        "profile": participation_profile(atts.values(), [b.id for b in filters.beats]),
        "small_number": SMALL_NUMBER, "today": today,
    }


def _trends(meetings: list[HeldMeeting], rows: list[dict[str, Any]], atts: dict[int, Attendance],
            fts: dict[int, FollowThrough], pulses: dict[int, PulseFigures]) -> dict[str, Any]:
    """Points for the charts: each meeting of one beat, or — across beats, or past PER_MEETING_LIMIT
    meetings — each calendar month, its meetings combined (small-number rule on the month's totals)."""
    if len({m.beat_id for m in meetings}) <= 1 and len(meetings) <= PER_MEETING_LIMIT:
        return {"by": "meeting", "points": [{"label": r["meeting_date"], **r} for r in rows]}
    months: dict[str, list[int]] = {}
    for n, meeting in enumerate(meetings):
        months.setdefault(meeting.starts_at.strftime("%Y-%m"), []).append(n)
    points = []
    for month, indexes in months.items():
        chosen = [meetings[n] for n in indexes]
        combined = _combine([rows[n] for n in indexes], [atts[m.id] for m in chosen], [fts[m.id] for m in chosen],
                            [pulses[m.id] for m in chosen])
        points.append({"label": month, **combined, "listened_mean": combined["pulse"]["listened"]["mean"],
                       "confidence_mean": combined["pulse"]["confidence"]["mean"]})
    return {"by": "month", "points": points}


def trend_series(trends: dict[str, Any]) -> dict[str, list[tuple[str, float | None]]]:
    """The chart series from `evidence_report(...)["trends"]`, labelled by meeting date or month."""
    points = trends["points"]
    return {
        "participants": [(p["label"], p["participants"]) for p in points],
        "first_time": [(p["label"], p["first_time_participants"]) for p in points],
        "share_answered": [(p["label"], p["share_answered"]) for p in points],
        "on_time": [(p["label"], p["on_time_share"]) for p in points],
        "listened": [(p["label"], p["listened_mean"]) for p in points],
        "confidence": [(p["label"], p["confidence_mean"]) for p in points],
    }


def csv_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per meeting with CSV_COLUMNS; withheld figures are empty cells."""
    out = []
    for r in report["meetings"]:
        row = {k: r.get(k) for k in CSV_COLUMNS}
        row["holds"] = ";".join(f"{code}={n}" for code, n in r["holds"].items())
        out.append({k: "" if v is None else v for k, v in row.items()})
    return out
