"""Absolute links for e-mail, from PACT_BASE_URL only (never a request's Host).

One function, so it can give way to the app-wide public-address module when that lands."""
from __future__ import annotations

import os
from urllib.parse import urlsplit

from flask import current_app


def base_url() -> str:
    configured = current_app.config.get("BASE_URL")
    if configured:
        return str(configured).rstrip("/")
    return f"http://127.0.0.1:{os.environ.get('PORT', '5000')}"


def absolute_url(endpoint: str, **values: object) -> str:
    """`endpoint`'s address under PACT_BASE_URL, e.g. https://pact.example.police.uk/meetings/7."""
    adapter = current_app.url_map.bind("localhost", script_name=urlsplit(base_url()).path or "/")
    path = adapter.build(endpoint, values)
    parts = urlsplit(base_url())
    return f"{parts.scheme}://{parts.netloc}{path}"


def public_host() -> str:
    return urlsplit(base_url()).netloc
