"""Engine.IO session ids that name their process, so a load balancer can route without cookies.

Engine.IO keeps a session (the polling transport's queue, the upgrade) in the process that opened
it. Browsers keep the balancer's cookie, but the official Node client does not by default: its
every polling request names only its session, `?sid=…`. With `PACT_NODE_ID` set (the cluster
launcher sets n1, n2, …), each session id begins with `<node id>.`, and HAProxy sends a request to
the server of that name (deploy/haproxy.cfg.j2); the random part is Engine.IO's own.
"""
from __future__ import annotations

import re

NODE_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def tag_sessions(engine: object, node_id: str | None) -> None:
    """Make `engine` (an engineio Server) prefix every new session id with `node_id` and a dot.

    `generate_id` is the Server's public hook for session ids (engineio/base_server.py)."""
    if not node_id:
        return
    if not NODE_ID.match(node_id):
        raise RuntimeError(f"PACT_NODE_ID must be 1-32 letters, digits, '-' or '_' (got {node_id!r})")
    generate = engine.generate_id  # type: ignore[attr-defined]

    def tagged_id() -> str:
        return f"{node_id}.{generate()}"

    engine.generate_id = tagged_id  # type: ignore[attr-defined]


def node_of(session_id: str) -> str | None:
    """The node id a session id names, if any (the part before the first dot)."""
    head, dot, _ = session_id.partition(".")
    return head if dot else None
