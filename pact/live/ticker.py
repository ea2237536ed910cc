"""Coalesced broadcasts: tallies and presence go out at most every TALLY_INTERVAL per meeting.

Votes only mark a meeting dirty. A background task wakes every interval, reads each dirty
meeting's counts with one query, and sends only the counts that changed since the last send. The
interval grows with the room so a process stays within its message budget (messages = recipients
× broadcasts). The task stops after a quiet spell and starts again on the next change.
"""
from __future__ import annotations

import logging
import threading
import time

from flask import Flask

from pact.extensions import db, socketio
from pact.live.presence import Presence

log = logging.getLogger(__name__)
IDLE_STOP_SECONDS = 5.0


class Ticker:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.interval: float = app.config["TALLY_INTERVAL"]
        self.budget: int = app.config.get("BROADCAST_BUDGET", 6000)  # messages/s one process spends on tallies
        self.presence = Presence()
        self._lock = threading.Lock()
        self._dirty: set[int] = set()
        self._last_sent: dict[int, dict[int, int]] = {}
        self._next_due: dict[int, float] = {}
        self._peaks: dict[int, int] = {}
        self._running = False
        self._stopped = False
        self._task = None

    # --- called by handlers after commit -------------------------------------------------------
    def mark_tallies(self, meeting_id: int) -> None:
        with self._lock:
            self._dirty.add(meeting_id)
        self.ensure_running()

    def reset_tallies(self, meeting_id: int) -> None:
        """After a stage change the counted kind of vote changes; resend everything next tick."""
        with self._lock:
            self._last_sent.pop(meeting_id, None)
            self._dirty.add(meeting_id)
        self.ensure_running()

    def ensure_running(self) -> None:
        with self._lock:
            if self._running or self._stopped:
                return
            self._running = True
        self._task = socketio.start_background_task(self._run)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the loop for good (app shutdown, end of a test) and wait for it to finish."""
        with self._lock:
            self._stopped = True
        task = self._task
        if task is not None and hasattr(task, "join"):
            task.join(timeout)

    # --- the loop -------------------------------------------------------------------------------
    def _run(self) -> None:
        idle_since = time.monotonic()
        try:
            while not self._stopped:
                socketio.sleep(self.interval)
                if self.flush():
                    idle_since = time.monotonic()
                elif time.monotonic() - idle_since > IDLE_STOP_SECONDS:
                    with self._lock:
                        if not self._dirty and not self.presence.changed:
                            self._running = False
                            return
        except Exception:  # never let the loop die silently with the flag still set
            log.exception("tally ticker stopped")
            with self._lock:
                self._running = False

    def room_interval(self, meeting_id: int) -> float:
        watching = self.presence.watching(meeting_id)
        return max(self.interval, watching / self.budget)

    def flush(self, *, force: bool = False) -> bool:
        """Send what is due; returns True when anything was pending."""
        from pact.live import broadcast

        now = time.monotonic()
        with self._lock:
            due = {m for m in self._dirty if force or self._next_due.get(m, 0) <= now}
            self._dirty -= due
        presence_changed = self.presence.take_changed()
        if not due and not presence_changed:
            return bool(self._dirty)
        with self.app.app_context():
            try:
                pending = {meeting_id: self._changed_counts(meeting_id) for meeting_id in due}
                db.session.rollback()  # read done: hold no transaction while emitting
                for meeting_id, changed in pending.items():
                    if changed:
                        broadcast.tallies(meeting_id, changed)
                    self._next_due[meeting_id] = now + self.room_interval(meeting_id)
                for meeting_id in presence_changed:
                    watching = self.presence.watching(meeting_id)
                    broadcast.presence(meeting_id, watching)
                    self._record_peak(meeting_id, watching)
            finally:
                db.session.remove()
        return True

    def _record_peak(self, meeting_id: int, watching: int) -> None:
        from sqlalchemy import update

        from pact.models import Meeting

        if watching <= self._peaks.get(meeting_id, 0):
            return
        self._peaks[meeting_id] = watching
        db.session.execute(
            update(Meeting).where(Meeting.id == meeting_id, Meeting.peak_watching < watching).values(peak_watching=watching)
        )
        db.session.commit()

    def _changed_counts(self, meeting_id: int) -> dict[int, int]:
        """Counts that differ from what this process last sent (a vanished count becomes 0)."""
        from pact.meetings.snapshot import counts_for
        from pact.models import Meeting

        meeting = db.session.get(Meeting, meeting_id)
        if meeting is None:
            return {}
        counts = counts_for(meeting)
        last = self._last_sent.get(meeting_id, {})
        changed = {issue_id: n for issue_id, n in counts.items() if last.get(issue_id) != n}
        changed.update({issue_id: 0 for issue_id in last if issue_id not in counts})
        self._last_sent[meeting_id] = counts
        return changed
