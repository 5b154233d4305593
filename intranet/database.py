"""Database setup shared by the web app, the workers and the CLI.

SQLite gets WAL, foreign keys and real transactions (pysqlite's own transaction handling is
turned off and we emit BEGIN ourselves, which SQLAlchemy documents as the way to get SAVEPOINT
and serializable behaviour). Code that is about to write under contention calls
``write_intent()`` before its first query: on SQLite the transaction then starts with
``BEGIN IMMEDIATE``, which takes the database's write lock up front so two processes never
read-then-write the same rows concurrently; on PostgreSQL services use ``SELECT ... FOR UPDATE``.
"""

from __future__ import annotations

import contextvars
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator

from .extensions import db

#: Name prefixes of tables and indexes that hand-written migrations create outside the models
#: (full-text search); features add theirs. Autogenerate and the schema test leave them alone.
UNMANAGED: set[str] = {"practice_fts", "ix_practice_fts", "ix_practice_search"}



def include_in_migrations(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic autogenerate filter: leave the unmanaged full-text objects alone."""
    return not (reflected and compare_to is None and name and any(name.startswith(p) for p in UNMANAGED))


_begin_mode: contextvars.ContextVar[str] = contextvars.ContextVar("sqlite_begin_mode", default="DEFERRED")


def write_intent() -> None:
    """Ask that the next transaction of this context takes the write lock at once (SQLite)."""
    _begin_mode.set("IMMEDIATE")


def read_intent() -> None:
    _begin_mode.set("DEFERRED")


def is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql(f"BEGIN {_begin_mode.get()}")


def init_app(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _sqlite_setup(db.engine)

    @app.before_request
    def _choose_begin_mode():
        from flask import request

        if request.method in ("GET", "HEAD", "OPTIONS"):
            read_intent()
        else:
            write_intent()

    @app.teardown_request
    def _back_to_read_intent(_exc):
        read_intent()
