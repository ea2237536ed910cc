"""Configuration in layers: defaults here → instance/config.py → PACT_* environment → test config."""
from __future__ import annotations

import json
import os
from typing import Any

from pact.i18n import N_


class Defaults:
    """Safe development defaults. Nothing here is read at import time by the app."""

    ENV_NAME = "development"  # "production" refuses to start without PACT_SECRET_KEY
    SECRET_KEY: str | None = None
    DATABASE_URL: str | None = None  # None → SQLite file in instance/
    MESSAGE_QUEUE: str | None = None
    BASE_URL: str | None = None  # the public address (pact/urls.py); None → http://127.0.0.1:$PORT (development)
    DEMO = True
    RATE_LIMITS = True
    # Flask-SocketIO: threading mode by default (simple-websocket); gevent for big rooms.
    ASYNC_MODE = "threading"
    CORS_ALLOWED_ORIGINS: list[str] = []  # [] → same origin as the page only
    # Live behaviour
    TALLY_INTERVAL = 0.1  # seconds between coalesced tally broadcasts (grows with room size)
    # Large rooms and several processes (docs/deploy.md, docs/performance.md)
    COALESCE_TALLIES = True  # off: a `tallies` broadcast per vote (only for benchmarks; collapses at ~500 clients)
    # tally/presence messages per second one process may spend per room: 2,000 people get a tally every
    # 0.1 s; the direct write costs ~6 µs per recipient, so 20,000/s is ~0.12 of a core (docs/performance.md)
    BROADCAST_BUDGET = 20000
    SNAPSHOT_TTL = 2.0  # seconds one read of a meeting may serve joins (while no public event says otherwise)
    GROUP_COMMIT_WINDOW = 0.0  # seconds a batch of votes or joins waits for company (0: what queued meanwhile)
    PRESENCE_INTERVAL = 1.0  # seconds between `presence` broadcasts at most (grows with room size)
    PRESENCE_TTL = 15  # seconds after which a silent process's watchers stop counting (crash)
    MEMORY_TRIM_INTERVAL = 1.0  # seconds between handing freed heap pages back while busy (0: never); live/memory.py
    # before serving, freeze start-up's objects out of the garbage collector's sight; a full collection
    # every GC_FULL_EVERY middle ones (CPython's 10; 100 shortened join storms but not, measured, the
    # tails at 5,000); 0 leaves CPython's collector alone. live/memory.py, docs/performance.md
    GC_FULL_EVERY = 10
    SOCKET_READ_BUFFER = 2048  # gevent server: read buffer per connection (gevent's default is 8 KB)
    LISTEN_BACKLOG = 4096  # gevent server: pending connections the kernel queues (50 makes 2,000 joins take 15 s)
    MAX_CONNECTIONS = 10000  # gevent server: connections served at once; more wait in the backlog
    MAX_HTTP_BUFFER_SIZE = 64 * 1024  # far above our text limits, so long text gets a clear `too_long`
    PING_INTERVAL = 25
    PING_TIMEOUT = 20
    SOCKET_READ_TIMEOUT = 60  # seconds a connection may send nothing (at least a ping cycle + 5); pact/patches/
    HEADER_TIMEOUT = 10  # seconds for a request's line and headers to arrive (slow-loris clients are dropped)
    # Flask / cookies
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    WTF_CSRF_TIME_LIMIT = None  # token lives as long as the session
    STAFF_SESSION_IDLE = 8 * 3600  # seconds a staff sign-in may go unused before it ends (pact/auth/sessions.py)
    STAFF_SESSION_LIFETIME = 7 * 24 * 3600  # seconds after which a staff sign-in ends however much it is used
    # Moderation and safeguarding (README "Moderation and safeguarding"). Forces change these.
    SAFEGUARDING_WORDS: list[str] = [  # hold a post for review; "word*" also matches words it begins
        "fuck*", "shit*", "cunt*", "wank*", "twat*", "bastard*", "dickhead*", "bellend*", "nonce*", "paedo*",
        "pedo*", "slag*", "scum*", "snitch*", "prick", "pricks", "pigs", "stupid cow",
        # threats aimed at officers or residents (safeguarding `word_list`; docs/safeguarding.md)
        "i know where you live", "watch your back", "coming to you", "you're dead", "your days are numbered",
        "get what's coming", "burn your house", "petrol through your door", "kill you",
        "i know where he lives", "i know where she lives", "i know where they live",
    ]
    SAFEGUARDING_MESSAGES: dict[str, str] = {}  # hold code → the force's own wording (see safeguarding.MESSAGES)
    SAFEGUARDING_REPLIES: list[dict[str, str]] = []  # [{"key", "label", "text"}…]; [] → safeguarding.REPLIES
    SAFEGUARDING_OVERDUE_MINUTES = 5  # a held post waiting longer is flagged in officers' queues
    SAFEGUARDING_BUDGET_MS = 1000  # a check slower than this holds the post (`check_failed`); it takes ~1 ms
    SAFEGUARDING_POLICY = ""  # the moderation policy page's text (paragraphs split by blank lines); "" → the default
    DUPLICATE_WINDOW = 600  # seconds in which the same text is refused as `duplicate`
    RATE_LIMIT_OVERRIDES: dict[str, list] = {}  # e.g. {"post:participant": [5, 60]} (see pact/live/limits.py)
    # Partner agencies an officer can refer an issue to: key → the words residents read after "Referred to"
    # (these defaults have Welsh translations; a force's own wording is shown as written).
    REFERRAL_PARTNERS: dict[str, str] = {"council": N_("the council"), "housing": N_("the housing provider"),
                                         "highways": N_("highways"), "fire": N_("the fire and rescue service")}
    NODE_ID: str | None = None  # this process's name behind HAProxy (n1, n2…): starts every Engine.IO session id
    PROXY_FIX = 0  # how many trusted proxies set X-Forwarded-For/-Proto/-Host (then cookies are Secure over HTTPS)
    # Database connection pool. A live meeting runs many short events at once; SQLAlchemy's default
    # (5 + 10 overflow, 30 s wait) queued votes for seconds under load (docs/performance.md).
    # A fixed pool: overflow connections were opened and closed again and again in a join storm,
    # each costing a PostgreSQL backend start on the same cores; 10 keeps one process's core busy.
    DB_POOL_SIZE = 10
    DB_MAX_OVERFLOW = 0
    DB_POOL_TIMEOUT = 30  # seconds to wait for a connection before answering `unavailable`
    SQLITE_BUSY_TIMEOUT_MS = 15000
    SQLITE_IMMEDIATE = True  # take SQLite's write lock at BEGIN (see pact/database.py)
    # Time and streams (pact/localtime.py, pact/scheduling/streams.py)
    TIMEZONE = "Europe/London"  # every time people read or type; storage stays UTC
    # Stream providers the room may embed (and CSP frame-src allows): youtube, facebook, vimeo, and
    # self-hosted "peertube:HOST" / "owncast:HOST". Any other stream link is shown as a plain link.
    STREAM_PROVIDERS: list[str] = ["youtube", "facebook", "vimeo"]
    # E-mail (README "E-mail", docs/data-protection.md)
    MAIL_URL: str | None = None  # smtp://host:port, smtp+starttls://user:pass@host:587, smtps://user:pass@host:465
    MAIL_FROM = "PACT Live <pact-live@localhost>"
    MAIL_OUTBOX: str | None = None  # with no MAIL_URL: where .eml files go (None → instance/outbox)
    MAIL_QUEUE_PATH: str | None = None  # embedded job queue (SQLite) without MESSAGE_QUEUE (None → instance/)
    MAIL_WORKER = True  # `serve` starts the mail worker beside itself; off when it runs on its own
    MAIL_WORKERS = 2  # worker threads in that process (each sends one batch at a time)
    MAIL_WORKER_NICE = 10  # the worker's CPU priority below the server's (0: the same)
    MAIL_BATCH = 100  # messages per SMTP connection and job
    MAIL_RATE_PER_SECOND = 20.0  # at most this many messages a second per worker process (0: no cap)
    MAIL_CA_FILE: str | None = None  # PEM file of a private CA to trust for the mail server's TLS certificate
    MAIL_RETRY_DELAY = 30.0  # seconds before the first retry after a temporary SMTP failure; doubles each time
    MAIL_MAX_ATTEMPTS = 8
    MAIL_SWEEP_INTERVAL = 30.0  # seconds between looks for due reminders and anything a crash left behind
    MAIL_TIMEOUT = 30.0  # seconds an SMTP connection may take to answer
    MAIL_KEEP_DAYS = 30  # days a delivery record (keyed address hash, state) is kept, then erased
    REMINDER_HOURS = "24,1"  # hours before a meeting when subscribers get a reminder; fractions allowed
    PRIVACY_NOTICE = N_(  # shown at /privacy and linked from every form that takes an address; forces edit it
        "We use your e-mail address only to send you the messages you asked for about this beat's PACT "
        "meetings: confirmation, reminders, summaries and progress updates, or one message when your issue is "
        "answered. We never show it on any page or share it.\n\n"
        "Every e-mail has a link to change what you get or to unsubscribe; unsubscribing erases your address "
        "at once. An address that is never confirmed is erased after 48 hours. Records of what was sent, "
        "kept without your address, are erased after 30 days.\n\n"
        "To see or erase what we hold about your address, contact the force's data protection officer."
    )


_BOOL_TRUE = {"1", "true", "yes", "on"}
_BOOL_FALSE = {"0", "false", "no", "off"}


def _coerce(current: Any, raw: str) -> Any:
    """Turn an environment string into the type of the default it overrides."""
    if isinstance(current, bool):
        low = raw.strip().lower()
        if low in _BOOL_TRUE:
            return True
        if low in _BOOL_FALSE:
            return False
        raise ValueError(f"expected on/off, got {raw!r}")
    if isinstance(current, int):
        return int(raw)
    if isinstance(current, float):
        return float(raw)
    if isinstance(current, dict):
        value = json.loads(raw)
        if not isinstance(value, dict):
            raise ValueError("expected a JSON object")
        return value
    if isinstance(current, list):
        raw = raw.strip()
        if raw.startswith("["):
            return json.loads(raw)
        return [part.strip() for part in raw.split(",") if part.strip()]
    return raw


def load_environment(config: dict[str, Any], environ: os._Environ | dict[str, str]) -> None:
    """Apply PACT_* variables onto `config`, typed like the defaults they override."""
    for key, raw in environ.items():
        if not key.startswith("PACT_"):
            continue
        name = key[len("PACT_"):]
        try:
            config[name] = _coerce(config.get(name), raw) if name in config else raw
        except ValueError as exc:
            raise RuntimeError(f"{key}: {exc}") from exc
