"""Every change this app makes to its libraries' behaviour, in one place.

Each module here overrides or wraps one piece of a pinned library. Its docstring names the upstream
code it replaces (file and version), why, and what would let us drop it. `PINNED` records the exact
versions the overrides were written against; `tests/test_patches.py` fails when an installed version
differs, or when the upstream function we replace changed its source, so an upgrade is a decision:
read the new upstream code, adapt or drop the patch, then move the pin.

Upstream status (checked 2026-12-01): python-engineio 4.15.1 is the newest release and still parks
an oversized long-polling POST (socket.py `handle_post_request` → server.py `disconnect` →
`Socket.close(wait=True)`); gevent-websocket 0.10.1 (last release 2017) has no message size limit.
"""
from __future__ import annotations

from importlib import metadata

from flask import Flask

PINNED = {
    "python-engineio": "4.15.1",
    "python-socketio": "5.18.1",
    "simple-websocket": "1.1.0",
    "gevent-websocket": "0.10.1",
    "gevent": "26.9.0",
    "Werkzeug": "3.1.9",
}


def pin_mismatches() -> dict[str, tuple[str, str | None]]:
    """{distribution: (pinned, installed)} for every pinned library whose installed version differs."""
    found: dict[str, tuple[str, str | None]] = {}
    for name, pinned in PINNED.items():
        try:
            installed: str | None = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != pinned:
            found[name] = (pinned, installed)
    return found


def apply_patches(app: Flask) -> None:
    """Fit this app's Socket.IO server with the guards below; call right after `socketio.init_app`."""
    from pact.extensions import socketio
    from pact.patches import engineio_polling, socketio_packets, websocket_frames

    server = socketio.server
    engineio_polling.close_without_waiting()
    websocket_frames.limit_frames(server.eio)
    socketio_packets.close_on_bad_packets(server)
    app.wsgi_app = engineio_polling.PollingGuard(app.wsgi_app, server.eio)


def upstream_source(module: str, qualname: str) -> str:
    """The source of `module.qualname` as installed, read from the library's file.

    Not from the possibly patched object, so a test can tell when the code a patch replaces has
    changed; an empty qualname gives the whole file."""
    import ast
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise LookupError(module)
    text = Path(spec.origin).read_text()
    if not qualname:
        return text
    node: ast.AST = ast.parse(text)
    for part in qualname.split("."):
        node = next(child for child in getattr(node, "body", [])
                    if isinstance(child, (ast.ClassDef, ast.FunctionDef)) and child.name == part)
    return ast.get_source_segment(text, node) or ""
