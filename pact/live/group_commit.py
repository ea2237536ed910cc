"""Group commit: the hot writes of a big meeting (residents' support votes, residents joining by
name) share one statement and one commit with whatever else arrived while the previous batch was
being written.

The first request to arrive when nothing is being written leads: it waits `window` seconds (0 by
default: whatever queued during the last write is batch enough), runs `write` on every pending
request in its own database session, commits, and answers each one. Requests that arrive
meanwhile wait; when the leader finishes, the oldest of them leads the next batch. There is no
background task (nothing to start or stop), and a request is answered only once its batch has
committed, so an acknowledged vote or join is in the database (CONTRACT). A database error fails
the whole batch, which was one transaction: nothing of it was written.

Two thousand residents joining at once cost two thousand transactions of four round trips each
before; now a few dozen (docs/performance.md).
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from pact.extensions import db

Request = TypeVar("Request")
Answer = TypeVar("Answer")


@dataclass(eq=False)
class _Waiting(Generic[Request, Answer]):
    request: Request
    ready: threading.Event = field(default_factory=threading.Event)
    done: bool = False
    answer: Answer | None = None
    error: BaseException | None = None


class GroupCommit(Generic[Request, Answer]):
    """Many threads' small writes in one transaction: the first request of a batch leads, waits
    `window` seconds for company (up to `max_batch`), runs `write` on them all, commits, and hands each
    request its answer. `write` returns one answer per request, in order."""
    def __init__(self, write: Callable[[list[Request]], list[Answer]], *, window: float = 0.0,
                 max_batch: int = 500) -> None:
        self.write = write  # one answer per request, in order; runs inside a transaction
        self.window = window
        self.max_batch = max_batch
        self._lock = threading.Lock()
        self._pending: list[_Waiting] = []
        self._writing = False  # while False, nothing is pending

    def submit(self, request: Request) -> Answer:
        """Write `request` with whatever else is waiting and return its answer once committed.
        Database errors propagate (to every request of the failed batch)."""
        waiting = _Waiting(request)
        with self._lock:
            self._pending.append(waiting)
            lead = not self._writing
            self._writing = True
        if not lead:
            waiting.ready.wait()  # answered, or asked to lead the next batch
        if not waiting.done:
            self._write_batch()
        if waiting.error is not None:
            raise waiting.error
        return waiting.answer

    def _write_batch(self) -> None:
        batch: list[_Waiting] = []
        try:
            if self.window > 0:
                time.sleep(self.window)
            with self._lock:
                batch, self._pending = self._pending[:self.max_batch], self._pending[self.max_batch:]
            try:
                answers = self.write([waiting.request for waiting in batch])
                if len(answers) != len(batch):
                    raise RuntimeError(f"group commit: {len(answers)} answers for {len(batch)} requests")
                db.session.commit()
            except Exception as exc:
                db.session.rollback()
                for waiting in batch:
                    waiting.error = exc
            else:
                for waiting, answer in zip(batch, answers):
                    waiting.answer = answer
        finally:
            with self._lock:
                successor = self._pending[0] if self._pending else None
                self._writing = successor is not None
            for waiting in batch:
                waiting.done = True
                waiting.ready.set()
            if successor is not None:
                successor.ready.set()
