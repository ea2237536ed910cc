"""Follow-through per meeting: priorities agreed, actions done by their review date, late, carried
over, and residents' verdicts at the next meeting (aggregate, withheld below SMALL_NUMBER)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select

from pact.evidence import SMALL_NUMBER
from pact.extensions import db
from pact.models import Priority, PriorityVerdict, ProgressStatus, ProgressUpdate, Verdict


@dataclass
class FollowThrough:
    """What became of one meeting's agreed actions, and residents' verdicts on them at the next meeting."""
    meeting_id: int
    priorities_agreed: int = 0
    done_on_time: int = 0  # done on or before the review date (or done, with no review date set)
    done_late: int = 0  # done after the review date
    overdue: int = 0  # not done, not carried over, review date passed
    carried_over: int = 0
    in_hand: int = 0  # not done, review date not yet reached
    dealt_with: int = 0  # residents' verdicts at the next meeting
    not_dealt_with: int = 0

    @property
    def late(self) -> int:
        """Actions done late plus actions overdue."""
        return self.done_late + self.overdue

    @property
    def verdicts(self) -> int:
        """Residents' verdicts given, either way."""
        return self.dealt_with + self.not_dealt_with

    @property
    def on_time_share(self) -> float | None:
        """Actions done on time among those whose outcome is known (done, late, carried over)."""
        settled = self.done_on_time + self.late + self.carried_over
        return self.done_on_time / settled if settled else None

    def as_dict(self) -> dict[str, Any]:
        """The figures for the evidence pages and CSV; verdict shares only from SMALL_NUMBER verdicts on."""
        shown = self.verdicts >= SMALL_NUMBER
        return {
            "priorities_agreed": self.priorities_agreed, "done_on_time": self.done_on_time,
            "done_late": self.done_late, "overdue": self.overdue, "late": self.late,
            "carried_over": self.carried_over, "in_hand": self.in_hand, "on_time_share": self.on_time_share,
            "verdicts": self.verdicts if shown else None,
            "dealt_with_share": self.dealt_with / self.verdicts if shown else None,
        }


def _done_on(within: list[int] | Select) -> dict[int, date]:
    """When each priority of these meetings was first reported done."""
    rows = db.session.execute(
        select(ProgressUpdate.priority_id, func.min(ProgressUpdate.created_at))
        .join(Priority, Priority.id == ProgressUpdate.priority_id)
        .where(Priority.meeting_id.in_(within), ProgressUpdate.status == ProgressStatus.DONE)
        .group_by(ProgressUpdate.priority_id))
    return {pid: at.date() for pid, at in rows}


def follow_through(meeting_ids: list[int], *, today: date, scope: Select | None = None) -> dict[int, FollowThrough]:
    """Follow-through figures per meeting, as they stand `today` (`scope`: as in pulse.pulse_figures)."""
    figures = {mid: FollowThrough(mid) for mid in meeting_ids}
    if not meeting_ids:
        return figures
    within = scope if scope is not None else meeting_ids
    rows = db.session.execute(select(Priority.id, Priority.meeting_id, Priority.status, Priority.review_on)
                              .where(Priority.meeting_id.in_(within))).all()
    done_on = _done_on(within) if rows else {}
    for pid, meeting_id, status, review_on in rows:
        item = figures[meeting_id]
        item.priorities_agreed += 1
        if status is ProgressStatus.DONE:
            finished = done_on.get(pid, today)
            if review_on is None or finished <= review_on:
                item.done_on_time += 1
            else:
                item.done_late += 1
        elif status is ProgressStatus.CARRIED_OVER:
            item.carried_over += 1
        elif review_on is not None and review_on < today:
            item.overdue += 1
        else:
            item.in_hand += 1
    for meeting_id, verdict, n in db.session.execute(
            select(Priority.meeting_id, PriorityVerdict.verdict, func.count())
            .join(PriorityVerdict, PriorityVerdict.priority_id == Priority.id)
            .where(Priority.meeting_id.in_(within)).group_by(Priority.meeting_id, PriorityVerdict.verdict)):
        if verdict is Verdict.DEALT_WITH:
            figures[meeting_id].dealt_with = n
        else:
            figures[meeting_id].not_dealt_with = n
    return figures
