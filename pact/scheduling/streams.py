"""The stream beside the room: which provider a link is, and the privacy-enhanced embed for it.

YouTube, Facebook video and Vimeo are recognised by their hosts; PeerTube and Owncast are
self-hosted, so a force names its instances in STREAM_PROVIDERS as "peertube:HOST" or
"owncast:HOST". A provider that is not configured, or a link nothing recognises (Teams, Zoom,
Jitsi…), becomes a plain "watch" link: `embed_url` is None. Nothing here fetches anything; the room
loads the embed only when a resident asks for it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import SplitResult, parse_qs, quote, urlencode, urlsplit

from pact.meetings.errors import DomainError

DEFAULT_PROVIDERS = ("youtube", "facebook", "vimeo")
# The origins each provider's player is served from: what CSP frame-src must allow.
FRAME_ORIGINS = {
    "youtube": ("https://www.youtube-nocookie.com",),
    "facebook": ("https://www.facebook.com",),
    "vimeo": ("https://player.vimeo.com", "https://vimeo.com"),  # vimeo.com/event/…/embed for live events
}
LINK_NAMES = {"teams": "Microsoft Teams", "zoom": "Zoom", "jitsi": "Jitsi Meet", "youtube": "YouTube",
              "facebook": "Facebook", "vimeo": "Vimeo", "peertube": "PeerTube", "owncast": "Owncast",
              "link": "the stream"}
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_DIGITS = re.compile(r"^\d+$")
_PEERTUBE_PATH = re.compile(r"^/(?:w|videos/watch|videos/embed)/([A-Za-z0-9-]{6,40})/?$")


@dataclass(frozen=True)
class Stream:
    """A recognised stream link: the provider, the page to watch, and the player to embed (None: link only)."""
    provider: str  # youtube | facebook | vimeo | peertube | owncast | teams | zoom | jitsi | link
    watch_url: str
    embed_url: str | None

    @property
    def name(self) -> str:
        """The provider's name as the room page says it ("YouTube", "the stream")."""
        return LINK_NAMES.get(self.provider, "the stream")

    def as_data(self) -> dict[str, str | None]:
        """SNAPSHOT's `stream`: `{"provider", "watch_url", "embed_url"}`."""
        return {"provider": self.provider, "watch_url": self.watch_url, "embed_url": self.embed_url}


def check_url(raw: str) -> str:
    """A stream link must be an http(s) address (`invalid_url` otherwise)."""
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(raw) > 500 or any(c.isspace() for c in raw):
        raise DomainError("invalid_url", "The stream link must be a web address starting https://, "
                                         "e.g. https://www.youtube.com/watch?v=… (at most 500 characters).")
    return raw


def _self_hosted(providers: tuple[str, ...] | list[str], kind: str) -> set[str]:
    return {p.split(":", 1)[1].strip().lower() for p in providers if p.lower().startswith(kind + ":")}


def _youtube(parts: SplitResult, query: dict[str, list[str]]) -> str | None:
    host = parts.hostname
    path = parts.path.rstrip("/")
    video = None
    if host == "youtu.be":
        video = path.lstrip("/")
    elif path == "/watch":
        video = (query.get("v") or [""])[0]
    else:
        match = re.match(r"^/(?:live|embed|shorts)/([^/]+)$", path)
        video = match.group(1) if match else None
    if video and _YOUTUBE_ID.match(video):
        return f"https://www.youtube-nocookie.com/embed/{video}?autoplay=1"
    return None


def _facebook(parts: SplitResult) -> str | None:
    if "/videos/" in parts.path or parts.path.startswith("/watch") or parts.hostname == "fb.watch":
        href = quote(parts.geturl(), safe="")
        return f"https://www.facebook.com/plugins/video.php?href={href}&show_text=false"
    return None


def _vimeo(parts: SplitResult) -> str | None:
    segments = [s for s in parts.path.split("/") if s]
    if segments[:1] == ["event"] and len(segments) >= 2 and _DIGITS.match(segments[1]):
        return f"https://vimeo.com/event/{segments[1]}/embed?dnt=1"
    if segments and _DIGITS.match(segments[-1]):
        return f"https://player.vimeo.com/video/{segments[-1]}?dnt=1&autoplay=1"
    return None


def recognise(raw: str | None, providers: tuple[str, ...] | list[str] = DEFAULT_PROVIDERS) -> Stream | None:
    """The Stream a meeting's link is, or None when there is no link."""
    if not raw:
        return None
    parts = urlsplit(raw)
    host = (parts.hostname or "").lower()
    bare = host[4:] if host.startswith("www.") else host
    enabled = {p.lower() for p in providers}
    query = parse_qs(parts.query)
    embed: str | None = None
    provider = "link"
    if bare in ("youtube.com", "m.youtube.com", "youtu.be", "youtube-nocookie.com"):
        provider, embed = "youtube", _youtube(parts, query)
    elif bare in ("facebook.com", "m.facebook.com", "fb.watch"):
        provider, embed = "facebook", _facebook(parts)
    elif bare in ("vimeo.com", "player.vimeo.com"):
        provider, embed = "vimeo", _vimeo(parts)
    elif host in _self_hosted(providers, "peertube"):
        match = _PEERTUBE_PATH.match(parts.path)
        provider = "peertube"
        enabled.add("peertube")
        query_string = urlencode({"autoplay": 1, "p2p": 0})
        embed = f"https://{host}/videos/embed/{match.group(1)}?{query_string}" if match else None
    elif host in _self_hosted(providers, "owncast"):
        provider, embed = "owncast", f"https://{host}/embed/video"
        enabled.add("owncast")
    elif bare.endswith(("teams.microsoft.com", "teams.live.com")):
        provider = "teams"
    elif bare == "zoom.us" or bare.endswith(".zoom.us"):
        provider = "zoom"
    elif "jitsi" in bare or bare == "meet.jit.si":
        provider = "jitsi"
    if provider not in enabled:
        embed = None
    return Stream(provider, raw, embed)


def frame_sources(providers: tuple[str, ...] | list[str] = DEFAULT_PROVIDERS) -> list[str]:
    """The origins CSP `frame-src` must allow for the configured providers (and nothing else)."""
    origins: list[str] = []
    for entry in providers:
        kind, _, host = entry.partition(":")
        if host and kind.lower() in ("peertube", "owncast"):
            origins.append(f"https://{host.strip().lower()}")
        else:
            origins.extend(FRAME_ORIGINS.get(kind.lower(), ()))
    return sorted(set(origins))
