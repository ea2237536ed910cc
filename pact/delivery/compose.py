"""Build one e-mail for one recipient of one event: text and HTML from one context
(templates/mail/<kind>.txt and .html), links from PACT_BASE_URL, RFC 8058 one-click unsubscribe
on every subscriber message, and an .ics attachment on reminders."""
from __future__ import annotations

from datetime import date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from flask import current_app, render_template

from pact import export, localtime
from pact.extensions import db
from pact.meetings.summary import meeting_summary
from pact.models import Beat, Issue, MailEvent, MailKind, Meeting, ProgressUpdate, TokenPurpose
from pact.notifications import subscriptions
from pact.notifications.recipients import Recipient
from pact.notifications.subscriptions import TOPIC_LABELS
from pact.urls import absolute_url, uid_domain

SUBJECTS = {
    MailKind.CONFIRM: "Confirm your e-mails about {beat}",
    MailKind.ALREADY: "You already get e-mails about {beat}",
    MailKind.REMINDER: "Reminder: {title}, {when}",
    MailKind.LIVE: "Live now: {title}",
    MailKind.SUMMARY: "What was agreed: {title}",
    MailKind.PROGRESS: "Progress on a {beat} priority",
    MailKind.RESCHEDULED: "New time: {title}, now {when}",
    MailKind.CANCELLED: "Cancelled: {title}",
    MailKind.ANSWERED: "Your issue has been answered: {title}",
    MailKind.STAFF_INVITE: "Your PACT Live staff account",
    MailKind.STAFF_RESET: "Reset your PACT Live password",
}


def local_time(value: datetime | None) -> str:
    """"Tuesday 6 July 2027, 7pm" in PACT_TIMEZONE."""
    return localtime.when(value)


def local_date(value: str | date | None) -> str:
    """A date (or ISO date text) as e-mails write it: "Tuesday 1 December 2026"; "" for none."""
    return localtime.day(value) if value else ""


def _hours_words(hours: float) -> str:
    if hours >= 24 and hours % 24 == 0:
        days = int(hours // 24)
        return "tomorrow" if days == 1 else f"in {days} days"
    if hours >= 1:
        return f"in {hours:g} hour{'s' if hours != 1 else ''}"
    return f"in {round(hours * 60)} minutes"


def _meeting_context(meeting: Meeting) -> dict[str, Any]:
    stream = getattr(meeting, "stream_url", None)
    return {"title": meeting.title, "when": local_time(meeting.starts_at), "meeting": meeting,
            "room_url": absolute_url("public.room", meeting_id=meeting.id), "stream_url": stream,
            "venue": getattr(meeting, "venue", None),
            "calendar_url": absolute_url("reports.calendar", slug=meeting.beat.slug)}


def event_context(event: MailEvent, *, now: datetime) -> dict[str, Any]:
    """What every recipient of this event is told (built once per batch: a summary is many queries)."""
    beat = db.session.get(Beat, event.beat_id) if event.beat_id else None
    ctx: dict[str, Any] = {"kind": event.kind.value, "beat": beat, "beat_name": beat.name if beat else "",
                           "privacy_url": absolute_url("subscriptions.privacy"), "title": "", "when": ""}
    if beat is not None:
        ctx["beat_url"] = absolute_url("public.beat", slug=beat.slug)
    meeting = db.session.get(Meeting, event.meeting_id) if event.meeting_id else None
    if meeting is not None:
        ctx.update(_meeting_context(meeting))
    kind = event.kind
    if kind is MailKind.REMINDER:
        ctx["in_words"] = _hours_words(float(event.note or 1))
        ctx["ics"] = _reminder_ics(meeting, now) if meeting is not None else None
    elif kind is MailKind.SUMMARY:
        data = meeting_summary(meeting)
        ctx["priorities"] = [p | {"review_words": local_date(p["review_on"])} for p in data["priorities"]]
        ctx["summary_url"] = absolute_url("reports.summary", meeting_id=meeting.id)
    elif kind is MailKind.PROGRESS:
        update = db.session.get(ProgressUpdate, event.ref_id)
        ctx["update"] = update
        ctx["priority"] = update.priority if update else None
        ctx["status_label"] = update.status.value.replace("_", " ") if update else ""
    elif kind is MailKind.RESCHEDULED:
        ctx["previous_when"] = local_time(localtime.from_iso(event.note)) if event.note else ""
    elif kind is MailKind.CANCELLED:
        ctx["reason"] = event.note
    elif kind is MailKind.ANSWERED:
        issue = db.session.get(Issue, event.ref_id)
        ctx["issue"] = issue
        ctx["answer"] = issue.answer if issue else None
    ctx["subject"] = SUBJECTS[kind].format(beat=ctx["beat_name"], title=ctx["title"], when=ctx["when"])
    return ctx


def build_context(event: MailEvent, recipient: Recipient, *, now: datetime,
                  shared: dict[str, Any] | None = None) -> dict[str, Any]:
    """The whole context for one recipient: the event's (`shared`, or built now) plus their own links."""
    ctx = dict(shared if shared is not None else event_context(event, now=now))
    sub = recipient.subscription
    if sub is not None:
        token = subscriptions.manage_link(sub)
        ctx["manage_url"] = absolute_url("subscriptions.manage", token=token)
        ctx["unsubscribe_url"] = absolute_url("subscriptions.unsubscribe", token=token)
        ctx["topics"] = [TOPIC_LABELS[t] for t in subscriptions.TOPICS if getattr(sub, t)]
        if event.kind is MailKind.CONFIRM:
            ctx["confirm_url"] = absolute_url("subscriptions.confirm", token=subscriptions.confirm_link(sub))
    if event.kind in (MailKind.STAFF_INVITE, MailKind.STAFF_RESET):
        from pact.meetings import passwords

        token = recipient.token
        ctx["user"] = token.user
        ctx["link_url"] = absolute_url("passwords.reset", token=passwords.token_link(token))
        ctx["expires"] = local_time(token.expires_at)
        ctx["sign_in_url"] = absolute_url("auth.login")
        ctx["is_invite"] = token.purpose is TokenPurpose.INVITE
    return ctx


def _reminder_ics(meeting: Meeting, now: datetime) -> bytes:
    item = {"id": meeting.id, "title": meeting.title, "starts_at": meeting.starts_at,
            "url": absolute_url("public.room", meeting_id=meeting.id)}
    return export.calendar_ics({"slug": meeting.beat.slug, "name": meeting.beat.name}, [item],
                               host=uid_domain(), now=now)


def compose(event: MailEvent, recipient: Recipient, *, now: datetime,
            shared: dict[str, Any] | None = None) -> EmailMessage:
    """The message for this recipient; `X-PACT-Key` and the Message-ID carry its idempotency key.
    `shared` is `event_context(event)`, when the caller sends the event to many."""
    ctx = build_context(event, recipient, now=now, shared=shared)
    template = f"mail/{event.kind.value}"
    message = EmailMessage()
    message["Subject"] = ctx["subject"]
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = Address(addr_spec=recipient.email)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(idstring=f"e{event.id}r{recipient.id}", domain=uid_domain())
    message["X-PACT-Key"] = f"{event.kind.value}-{event.id}-{recipient.id}"
    message["Auto-Submitted"] = "auto-generated"
    if "unsubscribe_url" in ctx and event.kind is not MailKind.CONFIRM:
        message["List-Unsubscribe"] = f"<{ctx['unsubscribe_url']}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message["List-Id"] = f"PACT meetings, {ctx['beat_name']} <{event.beat_id}.beats.{uid_domain()}>"
    message.set_content(render_template(f"{template}.txt", **ctx))
    message.add_alternative(render_template(f"{template}.html", **ctx), subtype="html")
    if event.kind is MailKind.REMINDER and ctx.get("ics"):
        message.add_attachment(ctx["ics"], maintype="text", subtype="calendar",
                               filename="meeting.ics", params={"method": "PUBLISH"})
    return message

