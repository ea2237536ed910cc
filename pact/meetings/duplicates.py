"""Duplicates: the same text posted twice within minutes is refused (`duplicate`), not stored
twice; a text close to an issue already raised is suggested ("support this one instead")."""
from __future__ import annotations

import re
import unicodedata
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


# meeting id → (version of its public set, ids, topic words, texts)
_rooms: dict[int, tuple[tuple[Any, ...], list[int], list[str], dict[int, str]]] = {}


def _public_texts(meeting: Meeting) -> tuple[list[int], list[str], dict[int, str]]:
    """The meeting's public, unmerged issues as (ids, topic words, texts), re-read only when the set changed.

    The set is known by one aggregate (count, sum of ids, newest post): a post, hide, restore,
    approve or merge changes it, so a suggestion never shows a hidden post; texts never change."""
    public = (Issue.meeting_id == meeting.id, Issue.visibility == Visibility.PUBLIC, Issue.merged_into_id.is_(None))
    version = tuple(db.session.execute(select(
        func.count(Issue.id), func.coalesce(func.sum(Issue.id), 0), func.max(Issue.created_at)).where(*public)).one())
    cached = _rooms.get(meeting.id)
    if cached is None or cached[0] != version:
        rows = db.session.execute(select(Issue.id, Issue.text).where(*public)).all()
        cached = (version, [i for i, _ in rows], [topic_words(t) for _, t in rows], dict(rows))
        if len(_rooms) > 1000:  # a long-running process forgets old meetings
            _rooms.clear()
        _rooms[meeting.id] = cached
    return cached[1], cached[2], cached[3]


def similar_issues(meeting: Meeting, text: str, *, limit: int = SUGGEST_LIMIT, threshold: float = SUGGEST_THRESHOLD,
                   exclude_id: int | None = None) -> list[tuple[int, str, float]]:
    """Public issues of the meeting that read like `text`, best first: (issue id, text, score).

    One aggregate query, then rapidfuzz's C scorer over the cached texts (docs/performance.md:
    under 5 ms at 1,000 issues). Only public, unmerged issues: a held post is never revealed."""
    mark = topic_words(text)
    if len(mark) < SUGGEST_MIN_LENGTH:
        return []
    ids, choices, texts = _public_texts(meeting)
    found = process.extract(mark, choices, scorer=fuzz.token_set_ratio, processor=None, limit=limit + 1,
                            score_cutoff=threshold)
    return [(ids[index], texts[ids[index]], round(score, 1)) for _, score, index in found
            if ids[index] != exclude_id][:limit]
