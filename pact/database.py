"""Engine settings per backend: SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE for writes."""
from __future__ import annotations

import os

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from pact.extensions import db


def init_database(app: Flask) -> None:
    """Per-database engine settings, for SQLite: WAL, a busy timeout and BEGIN IMMEDIATE writes (see
    `_tune_sqlite`)."""
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            _private_file(engine.url.database)
            _tune_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT_MS"], app.config["SQLITE_IMMEDIATE"])


def _private_file(path: str | None) -> None:
    """The database file (and its WAL and shared-memory files, which SQLite creates with the same
    mode) readable by the app's own user only: it holds residents' posts and staff accounts."""
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)  # created 0600, before SQLite first opens it
    os.close(fd)
    for name in (path, f"{path}-wal", f"{path}-shm", f"{path}-journal"):
        if os.path.exists(name):
            os.chmod(name, 0o600)


def _tune_sqlite(engine: Engine, busy_timeout_ms: int, immediate: bool = True) -> None:
    # pysqlite's own transaction handling starts transactions late and as DEFERRED, so a read that
    # later writes can fail with "database is locked" without waiting. Take the write lock up front
    # (BEGIN IMMEDIATE) and let busy_timeout queue writers; WAL keeps readers off writers' backs.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    if immediate:
        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
