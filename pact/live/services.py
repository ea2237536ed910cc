"""The live layer's per-app services, in one typed object reached through `services()`.

Before, six objects were fetched by string from `app.extensions["pact_*"]` in eight modules; a
typo there was a KeyError at run time, and a reader could not see what a process holds.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app

if TYPE_CHECKING:
    from pact.live.group_commit import GroupCommit
    from pact.live.registry import RoomRegistry
    from pact.live.snapshots import SnapshotCache
    from pact.live.ticker import Ticker

KEY = "pact_live"


@dataclass
class LiveServices:
    """What one app (one server process) keeps between events."""

    ticker: Ticker  # coalesced tallies and presence (ticker.py)
    registry: RoomRegistry  # which sockets are in which room, across processes (registry.py)
    snapshots: SnapshotCache  # one read of a meeting serves many joiners (snapshots.py)
    support_votes: GroupCommit  # residents' support votes, written in shared batches (group_commit.py)
    newcomers: GroupCommit  # residents joining by name, written in shared batches


def install(app: Flask, live: LiveServices) -> None:
    app.extensions[KEY] = live


def services(app: Flask | Any | None = None) -> LiveServices:
    """This app's live services (the current app's unless one is given)."""
    return (app or current_app).extensions[KEY]


def installed(app: Flask | Any | None = None) -> LiveServices | None:
    """The same, or None in an app without the live layer (health checks, shutdown)."""
    return (app or current_app).extensions.get(KEY)
