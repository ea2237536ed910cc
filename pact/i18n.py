"""Languages: English and Welsh (`cy`), with Flask-Babel. Catalogues live in pact/translations/.

The language is chosen by `?lang=cy` (or `en`), which is remembered in a cookie for a year; without
a choice, the browser's `Accept-Language` decides; English otherwise. Strings are marked where they
are written (`_()` in templates and Python, `N_()` for messages a domain module defines for later
translation), extracted with `make translations`, and never looked up by hand-made keys.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, g, has_request_context, request
from flask_babel import Babel

LANGUAGES = {"en": "English", "cy": "Cymraeg"}
HTML_LANG = {"en": "en-GB", "cy": "cy"}  # <html lang>: British English, Welsh
COOKIE = "pact_lang"
babel = Babel()


def N_(message: str) -> str:
    """Mark a message for the catalogue without translating it now (it is translated where shown)."""
    return message


def translate(message: str) -> str:
    """A message from the domain (marked with N_) in the reader's language, as plain text: the page
    escapes it like any other text (Jinja's `_()` would mark it safe, and messages may quote input)."""
    from flask_babel import gettext

    return str(gettext(message)) if message else message


def translate_error(error: Any) -> str:
    """A DomainError's message in the reader's language: its template (from `worded`) translated and
    filled, the names of fields residents type translated too; else its fixed message translated
    (an f-string message has no catalogue entry and stays as written)."""
    from flask_babel import gettext

    if error.template is None:
        return translate(error.message)
    params = dict(error.params)
    if isinstance(params.get("field"), str):
        params["field"] = str(gettext(params["field"]))
    return str(gettext(error.template)) % params


def chosen_language() -> str:
    """The reader's language; outside a request (the CLI) English. A mail job renders each e-mail
    in its recipient's language with `force_locale` (pact/delivery/compose.py)."""
    if not has_request_context():
        return "en"
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        g.pact_lang_chosen = asked
        return asked
    remembered = request.cookies.get(COOKIE)
    if remembered in LANGUAGES:
        return remembered
    return request.accept_languages.best_match(list(LANGUAGES), default="en") or "en"


def current_language() -> str:
    from flask_babel import get_locale

    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else "en"


def _remember(response: Response) -> Response:
    lang = g.pop("pact_lang_chosen", None)
    if lang is not None:
        response.set_cookie(COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax", secure=request.is_secure,
                            httponly=True)
        response.vary.add("Cookie")
    return response


def init_i18n(app: Flask) -> None:
    babel.init_app(app, locale_selector=chosen_language, default_translation_directories="translations",
                   default_domain="messages")
    app.after_request(_remember)

    @app.context_processor
    def _languages():
        lang = current_language()
        return {"current_lang": lang, "html_lang": HTML_LANG[lang], "languages": LANGUAGES}
