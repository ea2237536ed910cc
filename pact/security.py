"""Security headers and error pages that never show a stack trace."""
from __future__ import annotations

import logging

from flask import Flask, has_request_context, jsonify, render_template, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from pact.i18n import N_, translate, translate_error
from pact.meetings.errors import DomainError, http_status
from pact.urls import websocket_origin

log = logging.getLogger(__name__)

# The error pages' messages (error.html), in the reader's language.
CSRF_MESSAGE = N_("This form has expired or did not come from this site. Go back, reload the page and try again.")
HTTP_MESSAGES = {
    400: N_("The request was not one this site understands. Go back and try again."),
    403: N_("You are not allowed to see this page."),
    404: N_("There is no page at this address. It may have moved, or the link may be mistyped."),
    405: N_("This page cannot be used that way. Go back and try again."),
    413: N_("What you sent is too large."),
    429: N_("You are doing that too often. Please wait a minute and try again."),
    500: N_("Something went wrong on our side. Nothing you did caused it; please try again in a moment."),
    503: N_("The service is busy or down for a moment. Please try again shortly."),
}

# `{websocket}` is the ws(s):// form of PACT_BASE_URL (pact/urls.py): the live socket may connect to
# this app only ('self' covers it in current browsers; the explicit origin is for older ones).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' {websocket}; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Pages only staff see, besides anything answered to a signed-in staff member (see `_headers`).
# The room page gives each browser a random key (httponly, a year) and the socket handlers read it: one
# browser's names share limits, a vote, and count once as a viewer. Named once, here.
DEVICE_COOKIE = "pact_device"
STAFF_PATHS = ("/officer", "/admin", "/inspector", "/login", "/export/")


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over HTTPS (directly, or through the
    PROXY_FIX trusted proxies), and always when SESSION_COOKIE_SECURE is set."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Secure cookies over HTTPS (as the proxy reports it) and whenever SESSION_COOKIE_SECURE is set."""
        return bool(app.config["SESSION_COOKIE_SECURE"] or (has_request_context() and request.is_secure))


def trust_proxies(app: Flask) -> None:
    """Behind PROXY_FIX trusted proxies, take the client's address and scheme from X-Forwarded-*.

    Called after the Socket.IO middleware is installed, so live connections (per-address limits,
    origin checks) see the real client too. Only for proxies you run: otherwise any client could
    claim HTTPS or another address."""
    proxies = int(app.config.get("PROXY_FIX") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)


def _is_staff_response() -> bool:
    if request.path.startswith(STAFF_PATHS):
        return True
    if request.endpoint == "static":  # the same stylesheet and scripts for everyone: let them cache
        return False
    if "_user_id" not in session:  # no staff sign-in in this cookie: skip the sign-in lookup
        return False
    return bool(current_user.is_authenticated)


def init_security(app: Flask) -> None:
    """The session interface, security headers (a CSP framing only the configured stream players; no-store on staff
    pages) and the error pages."""
    from pact.scheduling.streams import frame_sources

    app.session_interface = SessionInterface()
    # Stream embeds (pact/scheduling/streams.py): only the configured providers may be framed.
    frames = " ".join(frame_sources(app.config.get("STREAM_PROVIDERS") or ())) or "'none'"
    csp = f"{CSP.format(websocket=websocket_origin(app))}; frame-src {frames}"

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", csp)
        if _is_staff_response():
            # A shared or stolen computer must not keep staff pages (held posts, residents' contact
            # details, exports) in its cache or back/forward history.
            response.headers["Cache-Control"] = "no-store"
            response.vary.add("Cookie")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    def _wants_json() -> bool:
        return request.path.endswith(".json") or request.accept_mimetypes.best == "application/json"

    def _error_page(status: int, code: str, message: str):
        """`message` is already in the reader's language (translated by the handler)."""
        if _wants_json():
            return jsonify({"ok": False, "error": code, "message": message}), status
        return render_template("error.html", status=status, code=code, message=message), status

    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError):
        return _error_page(http_status(error), error.code, translate_error(error))

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        return _error_page(400, "csrf_failed", translate(CSRF_MESSAGE))

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        code = (error.name or "error").lower().replace(" ", "_")
        status = error.code or 500
        # Our own words for the statuses people meet; Werkzeug's description (English) for the rest.
        message = translate(HTTP_MESSAGES[status]) if status in HTTP_MESSAGES else (error.description or error.name)
        return _error_page(status, code, message)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unhandled error on %s", request.path)
        return _error_page(500, "server_error", translate(HTTP_MESSAGES[500]))
