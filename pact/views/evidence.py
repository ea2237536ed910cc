"""Evidence for staff: the evidence page (across beats, and per meeting), its CSV, printable packs.

Who sees what: officers and inspectors the beats they are assigned to, admins every beat; a
resident (not signed in) nothing. The data comes from pact/evidence/report.py, the charts from
pact/charts.py and the CSV from pact/export.py.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user, login_required

from pact import charts, export
from pact.evidence import report as evidence
from pact.evidence.demographics import AGE_BANDS
from pact.evidence.pulse import QUESTIONS
from pact.meetings import reporting
from pact.meetings.errors import DomainError, http_status
from pact.models import utcnow
from pact.views.reports import audit_export, download, download_name, requested_filters
from pact.views.staff import meeting_for_staff

evidence_bp = Blueprint("evidence", __name__)
MEETING_TABLE_LIMIT = 200  # longer selections list meetings in the CSV, not on the page


def partners() -> dict[str, str]:
    """The configured partner agencies (REFERRAL_PARTNERS), else the defaults."""
    from pact.evidence.referrals import DEFAULT_PARTNERS

    return current_app.config.get("REFERRAL_PARTNERS") or DEFAULT_PARTNERS


def trend_charts(trends: dict[str, Any]) -> list[charts.Chart]:
    """The evidence page's trend charts (per meeting or per month), as SVG bar charts."""
    series = evidence.trend_series(trends)
    per, unit = ("per meeting", "meeting") if trends["by"] == "meeting" else ("per month", "month")
    return [
        charts.bar_chart("chart-participants", "Residents who joined, " + per, series["participants"], unit=unit),
        charts.bar_chart("chart-first-time", "First-time residents, " + per, series["first_time"], unit=unit),
        charts.bar_chart("chart-answered", "Share of issues answered, " + per, series["share_answered"],
                         fmt=charts.percent, maximum=1, unit=unit),
        charts.bar_chart("chart-on-time", "Actions done by their review date, " + per, series["on_time"],
                         fmt=charts.percent, maximum=1, unit=unit),
        charts.bar_chart("chart-listened", "\u201cDid you feel listened to?\u201d average (1\u20135), " + per,
                         series["listened"], maximum=5, unit=unit),
        charts.bar_chart("chart-confidence", "Confidence in the police in this area, average (1\u20135), " + per,
                         series["confidence"], maximum=5, unit=unit),
    ]


def _render(template: str, filters: reporting.Filters, **context: Any):
    data = evidence.evidence_report(filters, today=utcnow().date(), partners=partners())
    return render_template(template, data=data, charts=trend_charts(data["trends"]), filters=filters,
                           questions=QUESTIONS, age_bands=AGE_BANDS, fmt_percent=charts.percent,
                           table_limit=MEETING_TABLE_LIMIT, **context)


@evidence_bp.get("/inspector/evidence")
@login_required
def overview():
    """Staff: evidence across the beats they may see, filtered by `beat` (several) and `from`/`to`."""
    args = request.args
    beats = reporting.visible_beats(current_user)
    form = {"beats": beats, "chosen": args.getlist("beat"), "raw_from": args.get("from", ""),
            "raw_to": args.get("to", "")}
    try:
        filters = requested_filters()
    except DomainError as exc:
        return render_template("evidence/overview.html", data=None, charts=[], error=exc.message,
                               filters=reporting.Filters([], None, None), **form), http_status(exc)
    return _render("evidence/overview.html", filters, error=None, **form)


def quarter_dates(raw: str | None) -> tuple[date, date]:
    """`2026-Q4` → 1 Oct 2026 to 31 Dec 2026."""
    try:
        year, q = (raw or "").upper().split("-Q")
        year_n, quarter = int(year), int(q)
        if not (2000 <= year_n <= 2100 and 1 <= quarter <= 4):
            raise ValueError
    except ValueError:
        raise DomainError("invalid_date", "Give the quarter as YYYY-QN, for example 2026-Q4.") from None
    start = date(year_n, 3 * quarter - 2, 1)
    end = date(year_n + 1, 1, 1) if quarter == 4 else date(year_n, 3 * quarter + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


@evidence_bp.get("/inspector/evidence/pack")
@login_required
def beat_pack():
    """Staff: the printable evidence pack of one beat for one quarter (`beat=…&quarter=2026-Q4`)."""
    slug = request.args.get("beat", "")
    if not slug:
        raise DomainError("invalid_payload", "Choose a beat for the evidence pack (beat=…).")
    start, end = quarter_dates(request.args.get("quarter"))
    filters = reporting.parse_filters(current_user, [slug], start.isoformat(), end.isoformat())
    return _render("evidence/pack.html", filters, heading=f"{filters.beats[0].name}: {request.args['quarter'].upper()}",
                   period=(start, end), meeting=None)


@evidence_bp.get("/meetings/<int:meeting_id>/evidence")
@login_required
def meeting_pack(meeting_id: int):
    """Staff of the meeting's beat: the one meeting's evidence, printable."""
    meeting = meeting_for_staff(meeting_id, "Only staff of this beat can see this meeting's evidence.")
    day = meeting.starts_at.date()
    filters = reporting.Filters([meeting.beat], day, day)
    return _render("evidence/pack.html", filters, heading=f"{meeting.beat.name}: {meeting.title}", period=(day, day),
                   meeting=meeting)


@evidence_bp.get("/export/evidence.csv")
@login_required
def evidence_csv():
    """Staff: one row per meeting on the beats they may see, optionally within dates (formula-safe)."""
    filters = requested_filters()
    rows = evidence.csv_rows(evidence.evidence_report(filters, today=utcnow().date(), partners=partners()))
    audit_export("export_evidence", filters, len(rows))
    return download(export.table_csv(evidence.CSV_COLUMNS, rows), "text/csv", download_name(filters, "evidence"))


@evidence_bp.get("/export/referrals.csv")
@login_required
def referrals_csv():
    """Staff: referrals of issues from meetings on the beats they may see, optionally within dates."""
    filters = requested_filters()
    rows = evidence.evidence_report(filters, today=utcnow().date(), partners=partners())["referrals"]
    audit_export("export_referrals", filters, len(rows))
    return download(export.table_csv(export.REFERRAL_COLUMNS, rows), "text/csv", download_name(filters, "referrals"))


@evidence_bp.get("/evidence/privacy")
def privacy():
    """Public: what the evidence features ask residents, why, and how long the browser key is kept."""
    return render_template("evidence/privacy.html")
