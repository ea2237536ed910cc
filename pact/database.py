"""Engine settings per backend: SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE for writes."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from pact.extensions import db


def init_database(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            _tune_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT_MS"], app.config["SQLITE_IMMEDIATE"])


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
