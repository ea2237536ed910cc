"""The same text posted twice within minutes is refused (`duplicate`), not stored twice."""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from pact.extensions import db
from pact.meetings.errors import DomainError
from pact.models import Issue, Meeting, Participant, Visibility

WINDOW = timedelta(minutes=10)
_NOISE = re.compile(r"[\W_]+", re.UNICODE)


def fingerprint(text: str) -> str:
    """What counts as "the same text": case, accents, spacing and punctuation do not matter."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    return _NOISE.sub(" ", "".join(ch for ch in folded if not unicodedata.combining(ch))).strip()


def refuse_repeat(meeting: Meeting, author: Participant, text: str, *, now: datetime,
                  window: timedelta = WINDOW) -> None:
    """Refuse a post whose text the author posted, or anyone posted publicly, within `window`.

    Only public posts of others count: matching someone else's held post would tell the author
    what that post said."""
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
            raise DomainError("duplicate", "You have just posted exactly this. It is already in the meeting.",
                              issue_id=issue.id)
        raise DomainError("duplicate", "Someone has just raised exactly this. Support their issue instead of "
                                       "posting it again.", issue_id=issue.id)
