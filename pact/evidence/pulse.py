"""The pulse at the close: "Did you feel listened to?" and the confidence question, 1–5 each.

One answer per participant (a database constraint); sending again replaces it. Figures are
aggregates only, and a figure built from fewer than SMALL_NUMBER answers is withheld.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError

from pact.evidence import SMALL_NUMBER
from pact.extensions import db
from pact.meetings import stages
from pact.meetings.errors import DomainError, forbidden, worded
from pact.meetings.participants import require_active
from pact.models import Meeting, MeetingFigures, Participant, PulseAnswer, Stage
from pact.wording import N_

QUESTIONS = {
    "listened": "Did you feel listened to?",
    "confidence": "Taking everything into account, I have confidence in the police in this area.",
}
SCALE = range(1, 6)


def _score(name: str, raw: object) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or raw not in SCALE:
        raise worded("invalid_payload", N_("'%(name)s' must be a whole number from 1 to 5 (or left out)."), {"name": name},
                     field=name)
    return raw


def record_pulse(meeting: Meeting, participant: Participant, listened: object, confidence: object, *,
                 now: datetime) -> PulseAnswer:
    """A resident answers (or changes their answer) while voting or after the close; either may be skipped.

    Raises `wrong_stage` (not voting or closed), `muted` / `forbidden` (removed, or staff),
    `invalid_payload` (not 1–5), `empty` (neither answered), `duplicate` (a concurrent first answer won)."""
    if participant.is_staff:
        raise forbidden("The pulse questions are for residents to answer.")
    require_active(participant, doing=N_("answer the pulse questions"))
    lock_meeting(meeting)  # the stage as committed now: a close in flight finishes first (see keep_pulse)
    stages.require_stage(meeting, Stage.VOTING, Stage.CLOSED, doing=N_("answer the pulse questions"))
    scores = {"listened": _score("listened", listened), "confidence": _score("confidence", confidence)}
    if scores["listened"] is None and scores["confidence"] is None:
        raise DomainError("empty", N_("Answer at least one of the two questions (1 to 5)."))
    row = db.session.scalar(select(PulseAnswer).where(PulseAnswer.participant_id == participant.id))
    if row is None:
        row = PulseAnswer(meeting_id=meeting.id, participant_id=participant.id, created_at=now, updated_at=now,
                          **scores)
        try:
            with db.session.begin_nested():
                db.session.add(row)
        except IntegrityError:  # the same resident in two tabs at once: the other answer won
            raise DomainError("duplicate", N_("Your answer was already recorded; please send it again.")) from None
    else:
        row.listened, row.confidence, row.updated_at = scores["listened"], scores["confidence"], now
        db.session.flush()
    if meeting.stage is Stage.CLOSED:
        keep_pulse(meeting.id)
    return row


def lock_meeting(meeting: Meeting) -> None:
    """Read the meeting's stage again under a row lock held to the end of the transaction.

    Closing (which writes the stored figures), and every change to a closed meeting's stored
    figures, take this lock first, so they happen one after another and each counts what the ones
    before it committed. FOR NO KEY UPDATE: it does not block inserts that merely refer to the
    meeting (joins, posts, votes). SQLite writes one transaction at a time anyway."""
    db.session.flush()  # a refresh would otherwise drop a change to the meeting not yet written
    db.session.refresh(meeting, ["stage"], with_for_update={"key_share": True})


def keep_pulse(meeting_id: int) -> None:
    """Count a closed meeting's pulse answers again into its stored figures (after a late answer).
    The caller holds `lock_meeting`; a meeting without stored figures is counted when they are made."""
    counted = pulse_figures([meeting_id])[meeting_id]
    db.session.execute(update(MeetingFigures).where(MeetingFigures.meeting_id == meeting_id)
                       .values(pulse=counted.to_json()))


@dataclass
class PulseFigures:
    """Counts of answers per score for both questions (raw: never shown as such)."""

    responses: int = 0
    listened: tuple[int, ...] = (0, 0, 0, 0, 0)
    confidence: tuple[int, ...] = (0, 0, 0, 0, 0)

    def add(self, other: PulseFigures) -> PulseFigures:
        """The two meetings' answers together."""
        return PulseFigures(self.responses + other.responses,
                            tuple(a + b for a, b in zip(self.listened, other.listened, strict=False)),
                            tuple(a + b for a, b in zip(self.confidence, other.confidence, strict=False)))

    def to_json(self) -> str:
        """The figures as stored in `meeting_figures.pulse` (read back by `from_json`)."""
        return json.dumps({"responses": self.responses, "listened": list(self.listened),
                           "confidence": list(self.confidence)})

    @classmethod
    def from_json(cls, text: str) -> PulseFigures:
        """Figures stored by `to_json` (orjson: the evidence page reads thousands of rows)."""
        data = orjson.loads(text)
        return cls(data["responses"], tuple(data["listened"]), tuple(data["confidence"]))

    @classmethod
    def total(cls, many: Iterable[PulseFigures]) -> PulseFigures:
        """The sum of many (one pass, for hundreds of meetings)."""
        responses, listened, confidence = 0, [0] * 5, [0] * 5
        for item in many:
            responses += item.responses
            if item.responses:
                for n in range(5):
                    listened[n] += item.listened[n]
                    confidence[n] += item.confidence[n]
        return cls(responses, tuple(listened), tuple(confidence))

    def public(self) -> dict[str, Any]:
        """What may be shown: the number of responses, and for each question its mean and the share
        answering 4 or 5 — or None where fewer than SMALL_NUMBER people answered it."""
        out: dict[str, Any] = {"responses": self.responses}
        for name in QUESTIONS:
            counts = getattr(self, name)
            n = sum(counts)
            shown = n >= SMALL_NUMBER
            out[name] = {
                "answers": n if shown else None,
                "mean": round(sum(s * c for s, c in zip(SCALE, counts, strict=False)) / n, 2) if shown else None,
                "agree_share": (counts[3] + counts[4]) / n if shown else None,
            }
        return out


def pulse_figures(meeting_ids: list[int], *, scope: Select | None = None) -> dict[int, PulseFigures]:
    """Raw counts per meeting; callers show only `PulseFigures.public()`. `scope`, a select of the same
    meeting ids, saves sending thousands of ids to the database."""
    within = scope if scope is not None else meeting_ids
    figures = {mid: PulseFigures() for mid in meeting_ids}
    if not meeting_ids:
        return figures
    counts: dict[int, dict[str, list[int]]] = {mid: {"listened": [0] * 5, "confidence": [0] * 5} for mid in meeting_ids}
    responses: dict[int, int] = dict(db.session.execute(
        select(PulseAnswer.meeting_id, func.count()).where(PulseAnswer.meeting_id.in_(within))
        .group_by(PulseAnswer.meeting_id)).all())
    for name in QUESTIONS:
        column = getattr(PulseAnswer, name)
        for meeting_id, score, n in db.session.execute(
                select(PulseAnswer.meeting_id, column, func.count()).where(
                    PulseAnswer.meeting_id.in_(within), column.is_not(None))
                .group_by(PulseAnswer.meeting_id, column)):
            counts[meeting_id][name][score - 1] = n
    for mid in meeting_ids:
        figures[mid] = PulseFigures(responses.get(mid, 0), tuple(counts[mid]["listened"]),
                                    tuple(counts[mid]["confidence"]))
    return figures


def my_pulse(participant: Participant) -> dict[str, int | None] | None:
    """The participant's own answer (shown back to them only)."""
    row = db.session.scalar(select(PulseAnswer).where(PulseAnswer.participant_id == participant.id))
    return {"listened": row.listened, "confidence": row.confidence} if row else None
