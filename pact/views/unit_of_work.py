"""One unit of work per HTTP request, as `pact.live.commands.command` is for Socket.IO and `_run`
for the CLI: the view runs, then this commits once, then sends what the view queued.

- A response under 400 commits; anything else (a refused form, an error page, an exception) rolls
  back, so a refused request changes nothing. A view that must keep a record of a refusal (a failed
  sign-in in the audit log) calls `keep_on_refusal()`.
- `after_commit(send)` queues a sender (from `pact.live.broadcast`) or any other side effect; it
  runs only once the transaction has committed, and never after a rollback.
- A view that catches a refusal and renders its form again calls `discard()` first.
- No view calls `commit()` or `rollback()` itself (tests/test_layers.py keeps that true).
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, Response, g

from pact.extensions import db

log = logging.getLogger(__name__)


def after_commit(send: Callable[[], object]) -> None:
    """Run `send` once this request's transaction has committed (never if it rolls back)."""
    g.setdefault("_pact_after_commit", []).append(send)


def discard() -> None:
    """A refused change: drop what the view did so far now, so the page it renders next shows the
    database as it is (the response's error status keeps anything from being committed later)."""
    db.session.rollback()


def keep_on_refusal() -> None:
    """Commit this request's changes even though its response is an error (audit of a refusal)."""
    g._pact_keep_on_refusal = True


def _finish(response: Response) -> Response:
    sends = g.pop("_pact_after_commit", [])
    keep = g.pop("_pact_keep_on_refusal", False)
    if response.status_code >= 400 and not keep:
        db.session.rollback()
        return response
    db.session.commit()  # a failure here propagates: the error page's own pass then rolls back
    for send in sends:
        try:
            send()
        except Exception:  # committed is committed; a lost broadcast is caught up by clients' resync
            log.exception("after-commit side effect failed")
    return response


def init_unit_of_work(app: Flask) -> None:
    """Make every HTTP request one unit of work: commit after a response under 400, else roll back (see the
    module)."""
    app.after_request(_finish)

    @app.teardown_request
    def _discard(error: BaseException | None) -> None:
        if error is not None:
            db.session.rollback()
        g.pop("_pact_after_commit", None)
