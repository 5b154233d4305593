"""Passerelle: the intranet of a network of shelters and their partners."""

from __future__ import annotations

import importlib
import logging
import os
from pathlib import Path

from flask import Flask

from . import assets, config, database, errors, i18n, params, queue, quick_exit, security
from .extensions import compress, csrf, db, htmx, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent

# Feature packages: each has ``init_app(app)`` registering its blueprint, home section, demo data...
FEATURES: tuple[str, ...] = (
    "intranet.accounts",
    "intranet.guard",
    "intranet.home",
    "intranet.tasks",
    "intranet.mail",
    "intranet.files",
    "intranet.search",  # the header's search: sources registered by the features (issues 17-20)
    "intranet.admin",
    "intranet.themes",  # one list of themes for practices, trainings and advocacy (issue 17)
    "intranet.notifications",
    "intranet.trainings",
    "intranet.advocacy",
    "intranet.practices",
    "intranet.spaces",
    "intranet.directory",  # directory of organizations and shared resources (issue 18)
    "intranet.audit",
    "intranet.mydata",
    "intranet.ops",  # security (issue 7)
    "intranet.redaction",  # redaction that really removes (issue 14)
    "intranet.census",  # network censuses (issue 21)
    "intranet.writing",  # the Markdown editor: preview and formatting help (issue 17)
)


def create_app(config_overrides: dict | None = None) -> Flask:
    instance_path = (config_overrides or {}).get("INSTANCE_PATH") or os.environ.get(
        "PASSERELLE_INSTANCE_PATH"
    )
    app = Flask(
        __name__,
        instance_path=str(Path(instance_path).resolve() if instance_path else ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    config.load(app, config_overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _logging(app)

    database.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(Path(__file__).parent / "migrations"),
        render_as_batch=True,
        include_object=database.include_in_migrations,
    )
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    login_manager.session_protection = None  # our server-side session record does this job
    csrf.init_app(app)
    htmx.init_app(app)
    params.init_app(app)  # bounded integers (after htmx's request class, before the blueprints)
    compress.init_app(app)
    app.config.setdefault(
        "RATELIMIT_STORAGE_URI",
        queue.limiter_storage_uri(app.config["REDIS_URL"]) if app.config.get("REDIS_URL") else "memory://",
    )
    limiter.init_app(app)
    queue.init_app(app)
    i18n.init_app(app, ROOT)
    assets.init_app(app)
    security.init_app(app)
    quick_exit.init_app(app)
    errors.init_app(app)

    from . import cli, templating

    templating.init_app(app)
    cli.init_app(app)
    for name in FEATURES:
        importlib.import_module(name).init_app(app)
    return app


def _logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        app.logger.handlers[:] = [handler]
        app.logger.setLevel(logging.INFO)
