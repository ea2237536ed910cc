"""Languages: English and Welsh (`cy`), with Flask-Babel. Catalogues live in pact/translations/.

The language is chosen by `?lang=cy` (or `en`), which is remembered in a cookie for a year; without
a choice, the browser's `Accept-Language` decides; English otherwise. Strings are marked where they
are written (`_()` in templates and Python, `N_()` for messages a domain module defines for later
translation, defined in the transport-free `pact/wording.py` and re-exported here), extracted
with `make translations`, and never looked up by hand-made keys.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, g, has_app_context, has_request_context, request
from flask_babel import Babel

from pact import wording
from pact.wording import N_ as N_  # re-exported: adapters take their marker with their languages

LANGUAGES = {"en": "English", "cy": "Cymraeg"}
HTML_LANG = {"en": "en-GB", "cy": "cy"}  # <html lang>: British English, Welsh
COOKIE = "pact_lang"
babel = Babel()


def translate(message: str) -> str:
    """A message from the domain (marked with N_) in the reader's language, as plain text: the page
    escapes it like any other text (Jinja's `_()` would mark it safe, and messages may quote input)."""
    from flask_babel import gettext

    if not message or not has_app_context() or "babel" not in current_app.extensions:
        return message  # outside this app (a plain script, another app's context): as written
    return str(gettext(message))



wording.install_translator(translate)  # the domain's own words (wording.translate) in the reader's language

# A `worded` message's values that are words of ours (marked with N_ where they are passed), not
# what someone typed: translated with the template. Every other value is shown as written.
TRANSLATED_PARAMS = ("field", "what", "doing", "wanted", "stage")


def translate_error(error: Any) -> str:
    """A DomainError's message in the reader's language: its template (from `worded`) translated and
    filled, the words of ours among its values (TRANSLATED_PARAMS) translated too; else its fixed
    message translated (a message the catalogue lacks stays as written)."""
    from flask_babel import gettext

    if error.template is None:
        return translate(error.message)
    from flask_babel import format_decimal

    params = {k: format_decimal(v) if isinstance(v, int) and not isinstance(v, bool) else v
              for k, v in error.params.items()}  # numbers as the reader's locale writes them
    for name in TRANSLATED_PARAMS:
        if isinstance(params.get(name), str):
            params[name] = str(gettext(params[name]))
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
    """The language of this request's pages (`en` or `cy`), as Flask-Babel chose it."""
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
    """Flask-Babel with `chosen_language`, the cookie that remembers a choice, and `current_lang`, `html_lang`,
    `languages` in templates."""
    babel.init_app(app, locale_selector=chosen_language, default_translation_directories="translations",
                   default_domain="messages")
    app.after_request(_remember)

    @app.context_processor
    def _languages():
        lang = current_language()
        return {"current_lang": lang, "html_lang": HTML_LANG[lang], "languages": LANGUAGES}
