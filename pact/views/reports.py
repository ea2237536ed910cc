"""What a meeting leaves behind: the public summary, feeds, priorities.json, and staff exports.

Data comes from pact/meetings/summary.py and reporting.py; pact/export.py renders it. Downloads
are attachments that are never cached; staff downloads are recorded in the audit log.
"""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext
from flask_login import current_user, login_required

from pact import export, localtime
from pact.evidence.referrals import referral_labels
from pact.i18n import HTML_LANG, N_, current_language, translate
from pact.meetings import audit, reporting, summary
from pact.meetings.directory import find_beat
from pact.meetings.errors import DomainError
from pact.meetings.participants import get_meeting
from pact.meetings.permissions import can_moderate, can_see_beat
from pact.models import Stage, utcnow
from pact.scheduling import queries
from pact.urls import absolute_url, uid_domain
from pact.views.sharing import calendar_event
from pact.views.staff import meeting_for_staff

reports_bp = Blueprint("reports", __name__)


def partners() -> dict[str, str]:
    """The configured partner agencies (pact/views/evidence.py; imported late, as that module imports this one)."""
    from pact.views.evidence import partners as configured

    return configured()


def download(body: str | bytes, mimetype: str, filename: str) -> Response:
    """A file to save, not show: `Content-Disposition: attachment` and never cached."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store, max-age=0"
    return response


def requested_filters() -> reporting.Filters:
    """The report filters this request asks for (`beat`, several; `from`, `to`), checked against
    what the signed-in account may see (`reporting.parse_filters` says what it refuses)."""
    args = request.args
    return reporting.parse_filters(current_user, args.getlist("beat"), args.get("from"), args.get("to"))


def download_name(filters: reporting.Filters, what: str) -> str:
    """`<beat>-<what>-<today>.csv` for one beat, `beats-<what>-<today>.csv` for several."""
    name = filters.beats[0].slug if len(filters.beats) == 1 else "beats"
    return f"{name}-{what}-{utcnow():%Y-%m-%d}.csv"


def audit_export(action: str, filters: reporting.Filters, rows: int) -> None:
    """Record a staff export in the audit log: who, which beats and dates, how many rows."""
    audit.record(action, now=utcnow(), user=current_user,
                 beat_id=filters.beats[0].id if len(filters.beats) == 1 else None,
                 target=("beats " + ",".join(b.slug for b in filters.beats))[:120],
                 reason=f"{rows} rows, from {filters.date_from or 'start'} to {filters.date_to or 'now'}")


def feed(body: str | bytes, mimetype: str) -> Response:
    """Subscriptions: readers may keep a copy but must check back before using it."""
    response = Response(body, mimetype=mimetype)
    response.headers["Cache-Control"] = "no-cache"
    return response


@reports_bp.get("/meetings/<int:meeting_id>/summary", endpoint="summary")
def summary_page(meeting_id: int):
    """The closed meeting's public summary: reads without JavaScript and prints cleanly."""
    meeting = get_meeting(meeting_id)
    if meeting.stage is not Stage.CLOSED:
        raise DomainError("not_found", N_("This meeting has not closed yet, so it has no summary. "
                                          "Its agreed priorities appear here when it closes."))
    data = summary.meeting_summary(meeting)
    referred = referral_labels([i["id"] for i in data["issues"]], partners())  # "Referred to the council"
    return render_template("public/summary.html", meeting=meeting, data=data, referred=referred,
                           is_staff=can_see_beat(current_user, meeting.beat),
                           is_moderator=can_moderate(current_user, meeting))


@reports_bp.get("/beats/<slug>/priorities.json")
def priorities_json(slug: str):
    """Public: the beat's agreed priorities in the data.police.uk neighbourhood-priorities shape."""
    beat = find_beat(slug)
    rows = [reporting.priority_row(p) for p in reporting.agreed_priorities(reporting.Filters([beat], None, None))]
    return download(export.json_text(export.police_uk_priorities(rows)), "application/json",
                    f"{beat.slug}-priorities.json")


@reports_bp.get("/export/priorities.csv")
@login_required
def priorities_csv():
    """Staff: one row per agreed priority on the beats they may see, optionally within dates."""
    filters = requested_filters()
    rows = [reporting.priority_row(p) for p in reporting.agreed_priorities(filters)]
    audit_export("export_csv", filters, len(rows))
    return download(export.priorities_csv(rows), "text/csv", download_name(filters, "priorities"))


@reports_bp.get("/meetings/<int:meeting_id>/export.json")
@login_required
def meeting_json(meeting_id: int):
    """Staff of the beat: the complete meeting (all issues, moderation, priorities, progress, verdicts)."""
    meeting = meeting_for_staff(meeting_id, "Only staff of this beat can export the complete meeting.")
    data = summary.meeting_export(meeting)
    audit.record("export_meeting", now=utcnow(), user=current_user, meeting=meeting, target=f"meeting {meeting.id}")
    return download(export.json_text(data), "application/json", f"meeting-{meeting.id}.json")


@reports_bp.get("/beats/<slug>/calendar.ics")
def calendar(slug: str):
    """Public: the beat's upcoming meetings as an iCalendar feed; a rescheduled one keeps its UID with
    a higher SEQUENCE, a cancelled one stays a while with STATUS:CANCELLED so calendars drop it."""
    beat = find_beat(slug)
    meetings = [calendar_event(m) for m in queries.calendar_meetings(beat, now=utcnow())]
    body = export.calendar_ics({"slug": beat.slug, "name": beat.name}, meetings, host=uid_domain(), now=utcnow())
    return feed(body, "text/calendar")


@reports_bp.get("/beats/<slug>/feed.atom")
def atom(slug: str):
    """Public: the beat's published summaries and progress updates as an Atom feed."""
    beat = find_beat(slug)
    beat_url = absolute_url("public.beat", slug=beat.slug)
    entries = []
    for item in summary.feed_items(beat):
        if item["kind"] == "summary":
            link = absolute_url("reports.summary", meeting_id=item["meeting_id"])
            entry_id = link
        else:
            link = f"{beat_url}#priority-{item['priority_id']}"
            entry_id = f"{beat_url}#progress-{item['update_id']}"
        entries.append({**item, "id": entry_id, "link": link})
    entries.extend(_schedule_entries(beat))
    head = {"id": beat_url, "title": gettext("%(beat)s: PACT priorities and progress", beat=beat.name),
            "link": beat_url, "self_link": absolute_url("reports.atom", slug=beat.slug), "updated": beat.created_at,
            "author": gettext("%(beat)s neighbourhood team", beat=beat.name),
            "subtitle": gettext("What residents raised, what the meeting agreed, and what was done."),
            "lang": HTML_LANG[current_language()]}
    return feed(export.feed_atom(head, entries), "application/atom+xml")


ANNOUNCED = {"scheduled": N_("Meeting scheduled: %(title)s"), "rescheduled": N_("Meeting rescheduled: %(title)s"),
             "cancelled": N_("Meeting cancelled: %(title)s")}


def _schedule_entries(beat) -> list[dict]:
    """Atom entries for meetings scheduled, rescheduled (one entry per SEQUENCE) and cancelled."""
    entries = []
    for item in queries.announcements(beat):
        meeting = item["meeting"]
        link = absolute_url("public.room", meeting_id=meeting.id)
        when = localtime.span(meeting.starts_at, meeting.ends_at)
        values = {"title": meeting.title, "when": when, "place": meeting.venue or gettext("online (PACT Live)"),
                  "reason": meeting.cancel_reason, "link": link}
        if item["kind"] == "cancelled":
            text = gettext("%(title)s, planned for %(when)s, is cancelled. Reason: %(reason)s", **values)
        elif item["kind"] == "rescheduled":
            text = gettext("%(title)s is now %(when)s, %(place)s.", **values)
        else:
            text = gettext("%(title)s: %(when)s, %(place)s. Join from any browser: %(link)s", **values)
        entries.append({"id": f"{link}#{item['kind']}-{item['sequence']}", "link": link, "updated": item["updated"],
                        "published": item["updated"], "title": translate(ANNOUNCED[item["kind"]]) % {"title": meeting.title},
                        "summary": text, "author": None})
    return entries
