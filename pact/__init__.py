"""PACT Live: live, moderated police–community (PACT) meetings per beat."""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from flask import Flask

from pact.config import Defaults, load_environment

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def create_app(test_config: dict[str, Any] | None = None, *, migrations: bool = True) -> Flask:
    """Build the app: config layers, extensions, blueprints, live handlers, CLI.

    `migrations=False` leaves out Flask-Migrate (the `flask db` commands): Alembic is 12 MB that a
    server process never uses (pact.serve_gevent; migrations run before it starts)."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    load_environment(app.config, os.environ)
    if test_config:
        app.config.update(test_config)
    _finish_config(app)

    from pact import cli, database, security
    from pact.auth import auth_bp, init_login
    from pact.extensions import csrf, db
    from pact.i18n import init_i18n
    from pact.live import init_live
    from pact.views import register_views

    db.init_app(app)
    if migrations:
        from flask_migrate import Migrate

        Migrate(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    init_i18n(app)
    init_login(app)
    database.init_database(app)
    app.register_blueprint(auth_bp)
    register_views(app)
    security.init_security(app)
    init_live(app)
    security.trust_proxies(app)
    cli.init_cli(app)
    return app


def _finish_config(app: Flask) -> None:
    cfg = app.config
    cfg["DEFAULT_DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'pact.sqlite3'}"
    if not cfg.get("DATABASE_URL"):
        _private_instance(Path(app.instance_path))
        cfg["DATABASE_URL"] = cfg["DEFAULT_DATABASE_URL"]
    cfg["SQLALCHEMY_DATABASE_URI"] = cfg["DATABASE_URL"]
    engine_options = cfg.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    if not cfg["DATABASE_URL"].startswith("sqlite:///:memory:"):
        engine_options.setdefault("pool_size", cfg["DB_POOL_SIZE"])
        engine_options.setdefault("max_overflow", cfg["DB_MAX_OVERFLOW"])
        engine_options.setdefault("pool_timeout", cfg["DB_POOL_TIMEOUT"])
    if not cfg.get("SECRET_KEY"):
        if cfg.get("ENV_NAME") == "production":
            raise RuntimeError("PACT_SECRET_KEY must be set in production (PACT_ENV_NAME=production).")
        cfg["SECRET_KEY"] = _development_secret(Path(app.instance_path))
    cfg["MAX_CONTENT_LENGTH"] = cfg.get("MAX_CONTENT_LENGTH") or 256 * 1024
    from pact.urls import check_base_url, default_base_url

    if not cfg.get("BASE_URL") and cfg.get("ENV_NAME") == "production":
        logging.getLogger(__name__).warning("PACT_BASE_URL is not set: feeds, calendars and e-mails will link to "
                                            "%s", default_base_url(os.environ.get("PORT")))
    cfg["BASE_URL"] = check_base_url(cfg.get("BASE_URL") or default_base_url(os.environ.get("PORT")))


def _private_instance(instance: Path) -> None:
    """instance/ (database, secret key, demo credentials, outbox) is for the app's own user only."""
    instance.mkdir(parents=True, exist_ok=True)
    if instance.stat().st_mode & 0o077:  # new (mkdir's mode is filtered by the umask), or made before this rule
        instance.chmod(0o700)


def _development_secret(instance: Path) -> str:
    """A random per-checkout key kept in instance/, so development never runs on a known secret."""
    _private_instance(instance)
    path = instance / "secret_key"
    if not path.exists():
        import secrets

        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never readable by others, not even briefly
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    return path.read_text().strip()
