"""Database setup shared by the web app, the workers and the CLI.

SQLite gets WAL, foreign keys and real transactions (pysqlite's own transaction handling is
turned off and we emit BEGIN ourselves, which SQLAlchemy documents as the way to get SAVEPOINT
and serializable behaviour). Code that is about to write under contention calls
``write_intent()`` before its first query: on SQLite the transaction then starts with
``BEGIN IMMEDIATE``, which takes the database's write lock up front so two processes never
read-then-write the same rows concurrently; on PostgreSQL services use ``SELECT ... FOR UPDATE``.

Requests: POST, PUT, PATCH and DELETE begin with the write intent; GET and HEAD with a read
transaction (SQLite lets readers and the writer work at once), unless the view is declared
``@writes`` (a GET that records an audit event). A rare write from a read request (a record created
on first visit) goes in a short transaction of its own: ``with separate_write(): ...``. A read
transaction cannot wait for SQLite's write lock, so a write that is neither fails under contention
("database is locked"): it is refused outright in development and tests (``STRICT_WRITE_INTENT``),
logged in production.
"""

from __future__ import annotations

import contextvars
import logging
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask, has_request_context, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator

from .extensions import db

#: Name prefixes of tables and indexes that hand-written migrations create outside the models
#: (full-text search); features add theirs. Autogenerate and the schema test leave them alone.
UNMANAGED: set[str] = {
    "practice_fts",
    "ix_practice_fts",
    "ix_practice_search",
    "ix_space_post_search_trgm",
    "ix_advocacy_position_search_trgm",
}


def include_in_migrations(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic autogenerate filter: leave the unmanaged full-text objects alone."""
    return not (reflected and compare_to is None and name and any(name.startswith(p) for p in UNMANAGED))


_begin_mode: contextvars.ContextVar[str] = contextvars.ContextVar("sqlite_begin_mode", default="DEFERRED")
#: The endpoint of the read request being served (GET/HEAD without ``@writes``), else None.
_read_request: contextvars.ContextVar[str | None] = contextvars.ContextVar("read_request", default=None)
_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
log = logging.getLogger("passerelle.database")


class UndeclaredWrite(RuntimeError):
    """A read request wrote without the write intent (see the module's docstring)."""


def write_intent() -> None:
    """Ask that the next transaction of this context takes the write lock at once (SQLite)."""
    _begin_mode.set("IMMEDIATE")


def read_intent() -> None:
    _begin_mode.set("DEFERRED")


def writes(view: Callable) -> Callable:
    """Declare a view that may write whatever its method: its transaction begins with the write
    intent, a GET included (place it under ``@access``)."""
    setattr(view, "writes", True)  # noqa: B010 (an attribute the type checker does not know)
    return view


@contextmanager
def separate_write() -> Iterator[None]:
    """A short write transaction of its own, from a request that began a read transaction: the
    read transaction ends (what it loaded is reloaded on next use), the block runs in a transaction
    begun with the write intent, which commits at the end of the block; then the request's intent
    is back."""
    previous = _begin_mode.get()
    db.session.commit()  # ends the read transaction (it wrote nothing: the guard below sees to it)
    write_intent()
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        _begin_mode.set(previous)


def rowcount(result: sa.Result[Any]) -> int:
    """The rows an UPDATE or DELETE matched (0 if the driver cannot say). ``Session.execute`` is
    typed for any statement; for these its result is a ``CursorResult``, which has the count."""
    assert isinstance(result, sa.CursorResult)
    return max(result.rowcount, 0)


def is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


def page_of(query: sa.Select, page: int, per_page: int) -> Pagination:
    """``db.paginate`` for a page number read from a request: below 1 is the first page and beyond
    the last is the last (one more round trip, only then), never a 404 nor an empty page."""
    found = db.paginate(query, page=max(page, 1), per_page=per_page, error_out=False)
    if found.page > 1 and found.page > found.pages:
        found = db.paginate(query, page=max(found.pages, 1), per_page=per_page, error_out=False)
    return found


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


def _fold_sql(value):
    """``intranet.text.fold`` for SQL matching, at C speed on long texts (the messages of a space):
    what decomposition leaves outside ASCII (apostrophes, other scripts) is dropped, which a
    substring search of folded ASCII words does not notice."""
    if not isinstance(value, str) or value.isascii():
        return value.lower() if isinstance(value, str) else value
    value = value.lower().replace("œ", "oe").replace("æ", "ae")
    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")


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
        # ``fold(text)``: lower case without accents, for searches with accents optional
        # (PostgreSQL's twin is ``lower(unaccent(...))``; see ``intranet.search.matching``).
        dbapi_conn.create_function("fold", 1, _fold_sql, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql(f"BEGIN {_begin_mode.get()}")


def _guard_writes(app: Flask, engine: Engine) -> None:
    strict = app.config.setdefault("STRICT_WRITE_INTENT", app.testing or app.debug)

    @event.listens_for(engine, "before_cursor_execute")
    def _refuse_undeclared_write(_conn, _cursor, statement, _params, _context, _many):
        endpoint = _read_request.get()
        if endpoint is None or _begin_mode.get() == "IMMEDIATE" or not _WRITE.match(statement):
            return
        if not has_request_context():  # a teardown that failed left the mark behind
            return
        message = (
            f"{endpoint} writes during a GET without the write intent: declare the view @writes, "
            "or write in `with separate_write():`"
        )
        if strict:
            raise UndeclaredWrite(message)
        log.error(message)


def init_app(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _sqlite_setup(db.engine)
        _guard_writes(app, db.engine)

    @app.before_request
    def _choose_begin_mode():
        view = app.view_functions.get(request.endpoint or "")
        if request.method in SAFE_METHODS and not getattr(view, "writes", False):
            read_intent()
            _read_request.set(request.endpoint or "-")
        else:
            write_intent()
            _read_request.set(None)

    @app.teardown_request
    def _back_to_read_intent(_exc):
        read_intent()
        _read_request.set(None)
