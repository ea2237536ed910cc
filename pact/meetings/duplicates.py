"""Duplicates: the same text posted twice within minutes is refused (`duplicate`), not stored
twice; a text close to an issue already raised is suggested ("support this one instead")."""
from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import func, or_, select

from pact.extensions import db
from pact.meetings.errors import DomainError
from pact.models import Issue, Meeting, Participant, Visibility
from pact.wording import N_

WINDOW = timedelta(minutes=10)
_NOISE = re.compile(r"[\W_]+", re.UNICODE)


def fingerprint(text: str) -> str:
    """What counts as "the same text": case, accents, spacing and punctuation do not matter."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    return _NOISE.sub(" ", "".join(ch for ch in folded if not unicodedata.combining(ch))).strip()


def refuse_repeat(meeting: Meeting, author: Participant, text: str, *, now: datetime,
                  window: timedelta = WINDOW) -> None:
    """Refuse a post whose text the author posted, or anyone posted publicly, within `window`.

    Only public posts of others count: matching someone else's held post would tell the author what
    that post said. Raises `duplicate`, worded for "you" or "someone"."""
    if window <= timedelta(0):
        return
    mark = fingerprint(text)
    recent = db.session.scalars(
        select(Issue).where(
            Issue.meeting_id == meeting.id,
            Issue.created_at >= now - window,
            or_(Issue.participant_id == author.id, Issue.visibility == Visibility.PUBLIC),
        )
    )
    for issue in recent:
        if fingerprint(issue.text) != mark:
            continue
        if issue.participant_id == author.id:
            raise DomainError("duplicate", N_("You have just posted exactly this. It is already in the meeting."),
                              issue_id=issue.id)
        raise DomainError("duplicate", N_("Someone has just raised exactly this. Support their issue instead of "
                                          "posting it again."), issue_id=issue.id)


# ---- near duplicates: suggested, never merged on their own ---------------------------------------
SUGGEST_LIMIT = 3
SUGGEST_THRESHOLD = 85.0  # rapidfuzz score 0–100, chosen on bench/duplicates_pairs.py (make bench-duplicates)
SUGGEST_MIN_LENGTH = 8    # shorter drafts match too much to be worth suggesting
# Words that say nothing about which problem or place: without them "speeding on Mill Lane" and
# "parking on Mill Lane" no longer share most of their words.
STOP_WORDS = frozenset(
    "a an the on in at of by to for and or is are was were be been it its this that there their our my we i me us "
    "all every again very so too much many lots more please near getting worse from with outside behind down up"
    .split())


@lru_cache(maxsize=50_000)
def topic_words(text: str) -> str:
    """The words of a text that name its problem and place (cached: an issue's text never changes)."""
    return " ".join(word for word in fingerprint(text).split() if word not in STOP_WORDS)


def similarity(a: str, b: str) -> float:
    """How alike two texts are, 0–100: rapidfuzz's word-set ratio of their topic words."""
    return fuzz.token_set_ratio(topic_words(a), topic_words(b))


@dataclass
class _Room:
    """What a process remembers of one meeting's public issues for suggestions."""

    aggregate: tuple[Any, ...]  # see _public_texts
    token: Hashable  # the caller's version token when it was last confirmed, or None
    checked: float  # time.monotonic() of that confirmation
    ids: list[int]
    choices: list[str]  # topic words, in the order of ids
    texts: dict[int, str]


_rooms: dict[int, _Room] = {}
TOKEN_MAX_AGE = 2.0  # seconds a caller's token is trusted before the aggregate is checked again


def forget(meeting_id: int) -> None:
    """Drop this process's copy of a meeting's texts (an officer has just redacted one)."""
    _rooms.pop(meeting_id, None)


def _public_texts(meeting: Meeting, token: Hashable = None) -> _Room:
    """The meeting's public, unmerged issues, re-read only when the set changed.

    The set is known by one aggregate (count, sum of ids, newest id, redacted posts, total
    length): a post, hide, restore, approve or merge changes it, so a suggestion never shows a
    hidden post; an officer's redaction changes it too (and `forget` drops this process's copy at
    once), so it never shows the words the officer took out. Nothing else changes a text.
    A caller that knows when the room's public picture changes (the live server's snapshot cache,
    which sees every public event) passes a `token` that stays equal while nothing changed: then
    the aggregate is skipped, for at most `TOKEN_MAX_AGE` seconds, which bounds what a lost event
    could leave stale (the same rule as the shared join view, pact/live/snapshots.py), and a token
    that moved means one read, without the aggregate query."""
    cached = _rooms.get(meeting.id)
    now = time.monotonic()
    public = (Issue.meeting_id == meeting.id, Issue.visibility == Visibility.PUBLIC, Issue.merged_into_id.is_(None))
    if cached is not None and (token is None or cached.token == token):
        if token is not None and now - cached.checked < TOKEN_MAX_AGE:
            return cached
        if _aggregate(public) == cached.aggregate:
            cached.token, cached.checked = token, now
            return cached
    # New, changed (the token moved or the aggregate differs): one read, the aggregate from it.
    # Core, not the ORM: 1,000 plain rows cost half as much without ORM row processing.
    rows = db.session.connection().execute(
        select(Issue.id, Issue.text, Issue.original_text.is_not(None)).where(*public)).all()
    aggregate = (len(rows), sum(row[0] for row in rows), max((row[0] for row in rows), default=0),
                 sum(1 for row in rows if row[2]), sum(len(row[1]) for row in rows))
    cached = _Room(aggregate, token, now, [row[0] for row in rows], [topic_words(row[1]) for row in rows],
                   {row[0]: row[1] for row in rows})
    if len(_rooms) > 1000:  # a long-running process forgets old meetings
        _rooms.clear()
    _rooms[meeting.id] = cached
    return cached


def _aggregate(public: tuple[Any, ...]) -> tuple[Any, ...]:
    """What `_public_texts` compares: count, sum of ids, newest id, redacted posts, total length."""
    count, ids, newest, redacted, length = db.session.execute(select(
        func.count(Issue.id), func.coalesce(func.sum(Issue.id), 0), func.coalesce(func.max(Issue.id), 0),
        func.count(Issue.original_text), func.coalesce(func.sum(func.length(Issue.text)), 0)).where(*public)).one()
    return int(count), int(ids), int(newest), int(redacted), int(length)


def similar_issues(meeting: Meeting, text: str, *, limit: int = SUGGEST_LIMIT, threshold: float = SUGGEST_THRESHOLD,
                   exclude_id: int | None = None, token: Hashable = None) -> list[tuple[int, str, float]]:
    """Public issues of the meeting that read like `text`, best first: (issue id, text, score).

    rapidfuzz's C scorer over the room's cached texts; with the live server's `token` (see
    `_public_texts`) no query at all while the room's public issues are unchanged
    (docs/performance.md). Only public, unmerged issues: a held post is never revealed. Raises nothing."""
    mark = topic_words(text)
    if len(mark) < SUGGEST_MIN_LENGTH:
        return []
    room = _public_texts(meeting, token)
    ids, choices, texts = room.ids, room.choices, room.texts
    found = process.extract(mark, choices, scorer=fuzz.token_set_ratio, processor=None, limit=limit + 1,
                            score_cutoff=threshold)
    return [(ids[index], texts[ids[index]], round(score, 1)) for _, score, index in found
            if ids[index] != exclude_id][:limit]
