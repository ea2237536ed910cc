"""Residents' e-mail: subscribe to a beat (double opt-in), confirm, manage, one-click unsubscribe
(RFC 8058), the privacy notice; and the admin's export or erasure of what is held about an address.

`POST /beats/<slug>/subscribe` answers the same page whether or not the address was subscribed.
The unsubscribe address takes a POST with the body `List-Unsubscribe=One-Click` and no cookie or
CSRF token (mail providers send it); the manage page's own forms carry CSRF tokens.
"""
from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField
from wtforms.validators import Length

from pact.delivery import dispatch_soon
from pact.extensions import csrf
from pact.i18n import N_, current_language, translate, translate_error
from pact.live import limits
from pact.meetings.directory import find_beat
from pact.meetings.errors import DomainError, http_status
from pact.models import utcnow
from pact.notifications import addresses, subscriptions, tokens
from pact.views.unit_of_work import after_commit, discard

subscriptions_bp = Blueprint("subscriptions", __name__)


class SubscribeForm(FlaskForm):
    """Subscribe to a beat's e-mails: the address and which kinds (reminders, summaries, progress)."""
    email = EmailField(N_("Your e-mail address"), validators=[Length(max=254)])
    reminders = BooleanField(subscriptions.TOPIC_LABELS["reminders"])
    summaries = BooleanField(subscriptions.TOPIC_LABELS["summaries"])
    progress = BooleanField(subscriptions.TOPIC_LABELS["progress"])


class TopicsForm(FlaskForm):
    """Change which kinds of e-mail a subscription gets."""
    reminders = BooleanField(subscriptions.TOPIC_LABELS["reminders"])
    summaries = BooleanField(subscriptions.TOPIC_LABELS["summaries"])
    progress = BooleanField(subscriptions.TOPIC_LABELS["progress"])


class PlainForm(FlaskForm):
    """Only the CSRF token: the button says what happens."""


class AddressForm(FlaskForm):
    """Ask again for the link that manages a subscription (by address)."""
    email = EmailField("E-mail address", validators=[Length(max=254)])


@subscriptions_bp.app_context_processor
def _subscribe_form():
    """`new_subscribe_form()` in any page that includes subscriptions/_form.html."""
    return {"new_subscribe_form": lambda: SubscribeForm(formdata=None)}


def _chosen(form) -> list[str]:
    return [t for t in subscriptions.TOPICS if getattr(form, t).data]


@subscriptions_bp.post("/beats/<slug>/subscribe")
def subscribe(slug: str):
    """Ask for a beat's e-mails: one confirmation link goes to the address; the page is the same whatever."""
    beat = find_beat(slug)
    form = SubscribeForm()
    error, status, retry_after = None, 200, None
    if not form.validate_on_submit():
        error, status = gettext("This form has expired or did not come from this site. Reload the page and try again."), 400
    else:
        try:
            email = tokens.normalise_email(form.email.data)
            limits.check("subscribe", address=request.remote_addr or "unknown", email=tokens.address_hash(email))
            subscriptions.request_subscription(beat, email, _chosen(form), now=utcnow(),
                                               language=current_language())
        except DomainError as exc:
            discard()
            error, status, retry_after = translate_error(exc), http_status(exc), exc.extra.get("retry_after")
        else:
            after_commit(dispatch_soon)
            return render_template("subscriptions/requested.html", beat=beat)
    response = Response(render_template("subscriptions/subscribe.html", beat=beat, form=form, error=error),
                        status=status)
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


@subscriptions_bp.get("/beats/<slug>/subscribe")
def subscribe_form(slug: str):
    """GET /beats/<slug>/subscribe: the subscription form on a page of its own."""
    beat = find_beat(slug)
    return render_template("subscriptions/subscribe.html", beat=beat, form=SubscribeForm(), error=None)


@subscriptions_bp.route("/subscriptions/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """The link in the confirmation e-mail opens a page with one button (so a mail scanner that
    follows links cannot confirm for someone); pressing it starts the subscription."""
    form = PlainForm()
    try:
        if form.validate_on_submit():
            sub = subscriptions.confirm_subscription(token, now=utcnow())
            return render_template("subscriptions/confirmed.html", sub=sub, beat=sub.beat,
                                   manage_url=url_for("subscriptions.manage", token=subscriptions.manage_link(sub)))
        sub = subscriptions.pending_confirmation(token, now=utcnow())
    except DomainError as exc:
        discard()
        return render_template("subscriptions/link_error.html", message=translate_error(exc)), http_status(exc)
    return render_template("subscriptions/confirm.html", sub=sub, beat=sub.beat, form=form)


@subscriptions_bp.route("/subscriptions/<token>", methods=["GET", "POST"])
def manage(token: str):
    """Change which e-mails come, or unsubscribe; linked from every e-mail."""
    try:
        sub = subscriptions.find_managed(token)
    except DomainError as exc:
        return render_template("subscriptions/link_error.html", message=translate_error(exc)), http_status(exc)
    form = TopicsForm(**({} if request.method == "POST" else {t: getattr(sub, t) for t in subscriptions.TOPICS}))
    error, status = None, 200
    if form.validate_on_submit():
        try:
            subscriptions.change_topics(sub, _chosen(form))
        except DomainError as exc:
            discard()
            error, status = translate_error(exc), http_status(exc)
        else:
            flash(gettext("Saved: you will get the e-mails you ticked."), "success")
            return redirect(url_for("subscriptions.manage", token=token))
    elif form.is_submitted():
        error, status = gettext("This form has expired. Reload the page and try again."), 400
    return render_template("subscriptions/manage.html", sub=sub, beat=sub.beat, form=form, token=token,
                           unsubscribe_form=PlainForm(prefix="leave"), error=error), status


@subscriptions_bp.route("/subscriptions/<token>/unsubscribe", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    """RFC 8058: a POST with `List-Unsubscribe=One-Click` (no cookie, no CSRF token) ends the
    subscription; so does the manage page's button. A GET shows a page with that button."""
    try:
        sub = subscriptions.find_managed(token)
    except DomainError as exc:
        if request.method == "POST" and exc.code == "invalid_link":
            return render_template("subscriptions/unsubscribed.html", beat=None)  # already gone: same result
        return render_template("subscriptions/link_error.html", message=translate_error(exc)), http_status(exc)
    if request.method == "GET":
        return render_template("subscriptions/unsubscribe.html", sub=sub, beat=sub.beat, token=token)
    one_click = request.form.get("List-Unsubscribe") == "One-Click"
    if not one_click and request.form.get("confirm") != "yes":
        return render_template("subscriptions/unsubscribe.html", sub=sub, beat=sub.beat, token=token), 400
    beat = sub.beat
    subscriptions.unsubscribe(sub, now=utcnow())
    return render_template("subscriptions/unsubscribed.html", beat=beat)


@subscriptions_bp.get("/privacy")
def privacy():
    """The force's privacy notice for e-mail addresses (PRIVACY_NOTICE in configuration)."""
    notice = translate(str(current_app.config.get("PRIVACY_NOTICE") or ""))  # the default's Welsh; a force's own as written
    paragraphs = [p.strip() for p in notice.split("\n\n") if p.strip()]
    return render_template("subscriptions/privacy.html", paragraphs=paragraphs)


@subscriptions_bp.route("/admin/addresses", methods=["GET", "POST"])
@login_required
def address_admin():
    """Admins: download (JSON) or erase everything held about one e-mail address."""
    from pact.meetings import accounts

    accounts.require_admin(current_user)
    form = AddressForm()
    error, status = None, 200
    if form.validate_on_submit():
        action = request.form.get("action")
        try:
            if action == "export":
                record = addresses.address_record(current_user, form.email.data, now=utcnow())
                response = Response(json.dumps(record, indent=2, ensure_ascii=False), mimetype="application/json")
                response.headers["Content-Disposition"] = "attachment; filename=address-record.json"
                response.headers["Cache-Control"] = "no-store"
                return response
            if action == "erase":
                erased = addresses.erase_address(current_user, form.email.data, now=utcnow())
                flash(f"Erased {erased} record{'s' if erased != 1 else ''} held about that address.", "success")
                return redirect(url_for("subscriptions.address_admin"))
            error, status = "Choose export or erase.", 400
        except DomainError as exc:
            discard()
            error, status = exc.message, http_status(exc)
    elif form.is_submitted():
        error, status = "This form has expired. Reload the page and try again.", 400
    return render_template("subscriptions/address_admin.html", form=form, error=error), status
