"""Build e-mails: text and HTML from one context (templates/mail/<kind>.txt and .html), links from
PACT_BASE_URL, RFC 8058 one-click unsubscribe on every subscriber message, an .ics attachment on
reminders, each in the recipient's language (the one they subscribed or asked in).

A big send renders once, not once per recipient: `Prefab` is one event's message in one language
for one kind of recipient (subscribers differ only in which topics they chose), rendered and
MIME-encoded once per batch with placeholders where each recipient's own links go. `personalise`
then fills in the links and the envelope headers (To, Message-ID, the idempotency key,
List-Unsubscribe) and encodes the two text parts again: string work, no template, no header parsing.
"""
from __future__ import annotations

import binascii
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale, gettext
from markupsafe import escape

from pact import export, localtime
from pact.extensions import db
from pact.i18n import LANGUAGES, N_, translate
from pact.meetings.progress import STATUS_LABELS
from pact.meetings.summary import meeting_summary
from pact.models import Beat, Issue, MailEvent, MailKind, Meeting, ProgressUpdate, TokenPurpose
from pact.notifications import subscriptions
from pact.notifications.recipients import Recipient
from pact.notifications.subscriptions import TOPIC_LABELS, TOPICS
from pact.urls import absolute_url, uid_domain

SUBJECTS = {
    MailKind.CONFIRM: N_("Confirm your e-mails about %(beat)s"),
    MailKind.ALREADY: N_("You already get e-mails about %(beat)s"),
    MailKind.REMINDER: N_("Reminder: %(title)s, %(when)s"),
    MailKind.LIVE: N_("Live now: %(title)s"),
    MailKind.SUMMARY: N_("What was agreed: %(title)s"),
    MailKind.PROGRESS: N_("Progress on a %(beat)s priority"),
    MailKind.RESCHEDULED: N_("New time: %(title)s, now %(when)s"),
    MailKind.CANCELLED: N_("Cancelled: %(title)s"),
    MailKind.ANSWERED: N_("Your issue has been answered: %(title)s"),
    MailKind.STAFF_INVITE: N_("Your PACT Live staff account"),
    MailKind.STAFF_RESET: N_("Reset your PACT Live password"),
}
# The links that differ per recipient; in a prefab each is a placeholder that survives HTML escaping
# and quoted-printable (letters only, short).
LINKS = ("manage_url", "unsubscribe_url", "confirm_url", "link_url")
PLACEHOLDERS = {name: f"PACTLINK{n}Q" for n, name in enumerate(LINKS)}
TEXT_BODY, HTML_BODY = "PACTTEXTBODYQ", "PACTHTMLBODYQ"


def language_of(recipient: Recipient) -> str:
    """The language of this recipient's e-mails: what they subscribed or asked in (staff: English)."""
    lang = getattr(recipient.subscription or recipient.watch, "language", None) or "en"
    return lang if lang in LANGUAGES else "en"


def local_date(value: str | date | None) -> str:
    """A date (or ISO date text) as e-mails write it: "Tuesday 1 December 2026"; "" for none."""
    return localtime.day(value) if value else ""


def _hours_words(hours: float) -> str:
    if hours >= 24 and hours % 24 == 0:
        days = int(hours // 24)
        return gettext("tomorrow") if days == 1 else gettext("in %(count)s days", count=days)
    if hours == 1:
        return gettext("in 1 hour")
    if hours >= 1:
        return gettext("in %(count)s hours", count=format(hours, "g"))
    return gettext("in %(count)s minutes", count=round(hours * 60))


def _meeting_context(meeting: Meeting) -> dict[str, Any]:
    stream = getattr(meeting, "stream_url", None)
    return {"title": meeting.title, "when": localtime.when(meeting.starts_at), "meeting": meeting,
            "room_url": absolute_url("public.room", meeting_id=meeting.id), "stream_url": stream,
            "venue": getattr(meeting, "venue", None),
            "calendar_url": absolute_url("reports.calendar", slug=meeting.beat.slug)}


def event_context(event: MailEvent, *, now: datetime) -> dict[str, Any]:
    """What every recipient of this event is told, in the current locale (built once per batch and
    language: a summary is many queries)."""
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
        ctx["status_label"] = translate(STATUS_LABELS[update.status]) if update else ""
    elif kind is MailKind.RESCHEDULED:
        ctx["previous_when"] = localtime.when(localtime.from_iso(event.note)) if event.note else ""
    elif kind is MailKind.CANCELLED:
        ctx["reason"] = event.note
    elif kind is MailKind.ANSWERED:
        issue = db.session.get(Issue, event.ref_id)
        ctx["issue"] = issue
        ctx["answer"] = issue.answer if issue else None
    ctx["subject"] = gettext(SUBJECTS[kind], beat=ctx["beat_name"], title=ctx["title"], when=ctx["when"])
    return ctx


def variant(event: MailEvent, recipient: Recipient) -> tuple:
    """What, besides links and headers, makes this recipient's message differ from others of the
    event: a subscriber's topics; a staff member's own account (one recipient anyway)."""
    if recipient.subscription is not None:
        return tuple(t for t in TOPICS if getattr(recipient.subscription, t))
    if recipient.token is not None:
        return ("staff", recipient.id)
    return ()


def _variant_context(event: MailEvent, recipient: Recipient) -> dict[str, Any]:
    """The context a variant adds, with placeholders for the links each recipient gets."""
    ctx: dict[str, Any] = {}
    sub = recipient.subscription
    if sub is not None:
        ctx["manage_url"] = PLACEHOLDERS["manage_url"]
        ctx["unsubscribe_url"] = PLACEHOLDERS["unsubscribe_url"]
        ctx["topics"] = [translate(TOPIC_LABELS[t]) for t in TOPICS if getattr(sub, t)]
        if event.kind is MailKind.CONFIRM:
            ctx["confirm_url"] = PLACEHOLDERS["confirm_url"]
    if recipient.token is not None:
        token = recipient.token
        ctx["user"] = token.user
        ctx["link_url"] = PLACEHOLDERS["link_url"]
        ctx["expires"] = localtime.when(token.expires_at)
        ctx["sign_in_url"] = absolute_url("auth.login")
        ctx["is_invite"] = token.purpose is TokenPurpose.INVITE
    return ctx


def recipient_links(event: MailEvent, recipient: Recipient) -> dict[str, str]:
    """This recipient's own links (signed tokens), by placeholder name."""
    links: dict[str, str] = {}
    sub = recipient.subscription
    if sub is not None:
        token = subscriptions.manage_link(sub)
        links["manage_url"] = absolute_url("subscriptions.manage", token=token)
        links["unsubscribe_url"] = absolute_url("subscriptions.unsubscribe", token=token)
        if event.kind is MailKind.CONFIRM:
            links["confirm_url"] = absolute_url("subscriptions.confirm", token=subscriptions.confirm_link(sub))
    if recipient.token is not None:
        from pact.meetings import passwords

        links["link_url"] = absolute_url("passwords.reset", token=passwords.token_link(recipient.token))
    return links


def _reminder_ics(meeting: Meeting, now: datetime) -> bytes:
    item = {"id": meeting.id, "title": meeting.title, "starts_at": meeting.starts_at,
            "url": absolute_url("public.room", meeting_id=meeting.id)}
    return export.calendar_ics({"slug": meeting.beat.slug, "name": meeting.beat.name}, [item],
                               host=uid_domain(), now=now)


def _cte(text: str) -> str:
    """7bit when the part is ASCII in short lines (links are ASCII too), else quoted-printable."""
    short = all(len(line) < 800 for line in text.splitlines())
    return "7bit" if text.isascii() and short else "quoted-printable"


def _encode(text: str, cte: str) -> bytes:
    """A text part's body as it goes on the wire (CRLF line ends)."""
    if not text.endswith("\n"):
        text += "\n"
    if cte == "7bit":
        data = text.encode("ascii")
    else:
        data = binascii.b2a_qp(text.encode("utf-8"), istext=True)
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


@dataclass
class Prefab:
    """One event's message in one language for one variant of recipient, rendered once."""

    event_id: int
    kind: MailKind
    text: str  # rendered, with link placeholders
    html: str
    text_cte: str
    html_cte: str
    skeleton: bytes  # the whole message but the per-recipient headers, with TEXT_BODY and HTML_BODY
    subscriber_mail: bool  # carries List-Unsubscribe

    def personalise(self, recipient: Recipient, links: dict[str, str], *, domain: str) -> bytes:
        """This recipient's message, ready for SMTP's DATA (or an .eml file)."""
        text, html = self.text, self.html
        for name, value in links.items():
            placeholder = PLACEHOLDERS[name]
            text = text.replace(placeholder, value)
            html = html.replace(placeholder, str(escape(value)))
        msgid = make_msgid(idstring=f"e{self.event_id}r{recipient.id}", domain=domain)
        head = [f"To: {recipient.email}", f"Message-ID: {msgid}",
                f"X-PACT-Key: {self.kind.value}-{self.event_id}-{recipient.id}"]
        if self.subscriber_mail and "unsubscribe_url" in links:
            head += [f"List-Unsubscribe: <{links['unsubscribe_url']}>",
                     "List-Unsubscribe-Post: List-Unsubscribe=One-Click"]
        return (("\r\n".join(head) + "\r\n").encode("utf-8")
                + self.skeleton.replace(TEXT_BODY.encode() + b"\r\n", _encode(text, self.text_cte), 1)
                .replace(HTML_BODY.encode() + b"\r\n", _encode(html, self.html_cte), 1))


def prefab(event: MailEvent, recipient: Recipient, *, now: datetime, shared: dict[str, Any]) -> Prefab:
    """Render `event` for recipients like this one, in the current locale (`shared` is
    `event_context(event)` in that locale)."""
    ctx = dict(shared)
    ctx.update(_variant_context(event, recipient))
    template = f"mail/{event.kind.value}"
    text = render_template(f"{template}.txt", **ctx)
    html = render_template(f"{template}.html", **ctx)
    text_cte, html_cte = _cte(text), _cte(html)
    message = EmailMessage(policy=SMTP)
    message["Subject"] = ctx["subject"]
    message["From"] = current_app.config["MAIL_FROM"]
    message["Date"] = format_datetime(now)
    message["Auto-Submitted"] = "auto-generated"
    subscriber_mail = recipient.subscription is not None and event.kind is not MailKind.CONFIRM
    if subscriber_mail:
        message["List-Id"] = f"PACT meetings, {ctx['beat_name']} <{event.beat_id}.beats.{uid_domain()}>"
    message.set_content(TEXT_BODY, cte=text_cte)
    message.add_alternative(HTML_BODY, subtype="html", cte=html_cte)
    if event.kind is MailKind.REMINDER and ctx.get("ics"):
        message.add_attachment(ctx["ics"], maintype="text", subtype="calendar",
                               filename="meeting.ics", params={"method": "PUBLISH"})
    skeleton = message.as_bytes(policy=SMTP)
    for body in (TEXT_BODY, HTML_BODY):  # each part's placeholder, once, on a line of its own
        if skeleton.count(body.encode() + b"\r\n") != 1:
            raise RuntimeError(f"mail/{event.kind.value}: the message skeleton lost its {body} placeholder")
    return Prefab(event.id, event.kind, text, html, text_cte, html_cte, skeleton, subscriber_mail)


class Composer:
    """Builds a batch's messages: one event context per language and one prefab per language and
    variant, then each recipient's copy from its prefab."""

    def __init__(self, *, now: datetime) -> None:
        self.now = now
        self.domain = uid_domain()
        self._shared: dict[tuple[int, str], dict[str, Any]] = {}
        self._prefabs: dict[tuple, Prefab] = {}

    def compose(self, event: MailEvent, recipient: Recipient) -> bytes:
        """This recipient's message of `event`, as bytes for SMTP's DATA, in their language."""
        lang = language_of(recipient)
        key = (event.id, lang, variant(event, recipient))
        made = self._prefabs.get(key)
        if made is None:
            with force_locale(lang):
                if (event.id, lang) not in self._shared:
                    self._shared[(event.id, lang)] = event_context(event, now=self.now)
                made = self._prefabs[key] = prefab(event, recipient, now=self.now,
                                                   shared=self._shared[(event.id, lang)])
        return made.personalise(recipient, recipient_links(event, recipient), domain=self.domain)

