"""The app's public address (`PACT_BASE_URL`): the one place absolute links are built.

Feeds, calendars, QR codes, posters and e-mails call `absolute_url`; nothing takes the host from a
request's `Host` or `X-Forwarded-Host`, which any client can forge (RFC 4287 feed ids and RFC 5545
UIDs must never change with them). Works in a request, in a CLI command or in a mail job alike: the
links are built from the URL map bound to the configured address, not to the request.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app
from werkzeug.routing import MapAdapter


def default_base_url(port: str | int | None) -> str:
    """Development: the address `make run` serves on."""
    return f"http://127.0.0.1:{port or 5000}"


def check_base_url(value: str) -> str:
    """The configured address without a trailing slash; refused unless it is http(s)://host[:port][/path]."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise RuntimeError(f"PACT_BASE_URL must look like https://pact.example.police.uk, not {value!r}")
    return value.strip().rstrip("/")


def base_url(app: Flask | None = None) -> str:
    """The app's public address (PACT_BASE_URL), which every absolute link is built from."""
    return (app or current_app).config["BASE_URL"]


def _adapter(app: Flask) -> MapAdapter:
    parts = urlsplit(base_url(app))
    return app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)


def absolute_url(endpoint: str, *, app: Flask | None = None, _anchor: str | None = None, **values: object) -> str:
    """`url_for(endpoint, **values)` as a full address under PACT_BASE_URL, e.g.
    `absolute_url("public.room", meeting_id=7)` → `https://pact.example.police.uk/meetings/7`."""
    url = _adapter(app or current_app).build(endpoint, values, force_external=True)
    return f"{url}#{_anchor}" if _anchor else url


def uid_domain(app: Flask | None = None) -> str:
    """The host part for calendar UIDs (`meeting-7@pact.example.police.uk`)."""
    return urlsplit(base_url(app)).hostname or "localhost"


def websocket_origin(app: Flask | None = None) -> str:
    """The live socket's origin as CSP `connect-src` writes it: `wss://host[:port]` (or `ws://` over http)."""
    parts = urlsplit(base_url(app))
    return f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}"
