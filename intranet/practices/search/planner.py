"""Taking a search's window: the ``WINDOW`` most recent matching practices the searcher may see,
in one statement (``window_statement``: FTS5 walks its index by rowid, most recent first) or, on
PostgreSQL, in measured steps (``_pg_window``); then ranked (``ranking``). Tests patch the names
of this module (``WINDOW``, ``RECENT``, ``DENSE``, ``window_statement``, the step functions)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from ...database import UTCDateTime
from ...extensions import db
from ..models import Practice, Status
from .french import query_terms
from .postgres import pg_query
from .ranking import rank
from .sqlite import _facet_filter, _fts, _sqlite_match

WINDOW = 300
# PostgreSQL window (see ``_pg_window``): the most recent published practices walked first, and
# the matches among them from which walking on is cheaper than fetching every older match.
RECENT = 1000
DENSE = 25


def window_statement(user, filters, conditions: list) -> sa.Select | None:
    """The search window as one statement: (id, search_words) of the ``WINDOW + 1`` most
    recent visible, filtered matches, most recent first; None when the query has no searchable
    word. The engine's index finds the matches; ``ranking.rank`` ranks this short list.
    (PostgreSQL takes the same rows in steps, ``_pg_window``; this statement is its reference.)"""
    if db.session.get_bind().dialect.name == "sqlite":
        terms = query_terms(filters.q)
        if not terms:
            return None
        match = f"({_sqlite_match(terms)}) AND {_facet_filter(user, filters)}"
        recent = (
            sa.select(_fts.c.rowid.label("id"))
            .where(sa.literal_column("practice_fts").op("MATCH")(match))
            .order_by(_fts.c.rowid.desc())
            .limit(WINDOW + 1)
            .subquery()
        )
        return (
            sa.select(recent.c.id, Practice.search_words)
            .join(Practice, Practice.id == recent.c.id)
            .where(*conditions)
            .order_by(Practice.published_at.desc(), Practice.id.desc())
        )
    query = pg_query(user, filters)
    if query is None:
        return None
    return (
        sa.select(Practice.id, Practice.search_words)
        .where(*conditions, Practice.search_vector.op("@@")(query))
        .order_by(Practice.published_at.desc(), Practice.id.desc())
        .limit(WINDOW + 1)
    )


def _older(published_at, practice_id, before: tuple):
    """Strictly after ``before`` (published_at, id) in the window's order (most recent first)."""
    return sa.tuple_(published_at, practice_id) < sa.tuple_(
        sa.literal(before[0], UTCDateTime()), sa.literal(before[1], sa.Integer())
    )


class _Stale(Exception):
    """A practice matched the filter lexemes but not the SQL conditions: its index entry is out
    of date (a change without ``index_practice``)."""


def _checked(candidates, conditions: list) -> list:
    """(id, search_words) of ``candidates`` (a subquery of id and published_at, in the window's
    order), each one checked against the SQL conditions (in a left join: the planner cannot turn
    them into joins over every practice of a theme or a sector). The filter lexemes matched, so
    all of them pass, unless an index entry is out of date: then ``_Stale``, and the caller
    takes the one-statement way. What fails the conditions never leaves the database."""
    rows = db.session.execute(
        sa.select(candidates.c.id, Practice.search_words, Practice.id.is_not(None).label("passed"))
        .select_from(candidates.outerjoin(Practice, sa.and_(Practice.id == candidates.c.id, *conditions)))
        .order_by(candidates.c.published_at.desc(), candidates.c.id.desc())
    ).all()
    if not all(row.passed for row in rows):
        raise _Stale
    return list(rows)


def _pg_walk(query, conditions: list, walk: int, need: int, before: tuple | None = None) -> list:
    """The first ``need`` matches among the ``walk`` most recent published practices (after
    ``before``): the status index read in order, each vector tested as it comes (the walked
    row's vector, not the table's: the GIN index cannot take over). Cheap when matches are dense,
    and bounded."""
    published = sa.select(Practice.id, Practice.published_at, Practice.search_vector).where(
        Practice.status == Status.PUBLISHED
    )
    if before is not None:
        published = published.where(_older(Practice.published_at, Practice.id, before))
    recent = (
        published.order_by(Practice.published_at.desc(), Practice.id.desc()).limit(walk).subquery("recent")
    )
    candidates = (
        sa.select(recent.c.id, recent.c.published_at)
        .where(recent.c.search_vector.op("@@")(query))
        .order_by(recent.c.published_at.desc(), recent.c.id.desc())
        .limit(need)
        .subquery("candidates")
    )
    return _checked(candidates, conditions)


def _pg_edge(walked: int, before: tuple | None) -> tuple | None:
    """(published_at, id) of the last of ``walked`` practices walked after ``before`` (an
    index-only scan), None when there were fewer: every published practice was walked."""
    stmt = sa.select(Practice.published_at, Practice.id).where(Practice.status == Status.PUBLISHED)
    if before is not None:
        stmt = stmt.where(_older(Practice.published_at, Practice.id, before))
    row = db.session.execute(
        stmt.order_by(Practice.published_at.desc(), Practice.id.desc()).offset(walked - 1).limit(1)
    ).first()
    return None if row is None else (row.published_at, row.id)


def _pg_indexed(query, conditions: list, need: int, before: tuple) -> list:
    """The first ``need`` matches after ``before``, from the GIN index: every match is fetched
    (a materialized CTE, so the planner cannot turn it back into a walk), then sorted. Cheap when
    matches are sparse, which is when it is used."""
    found = (
        sa.select(Practice.id, Practice.published_at)
        .where(Practice.status == Status.PUBLISHED, Practice.search_vector.op("@@")(query))
        .cte("found")
        .prefix_with("MATERIALIZED")
    )
    candidates = (
        sa.select(found.c.id, found.c.published_at)
        .where(_older(found.c.published_at, found.c.id, before))
        .order_by(found.c.published_at.desc(), found.c.id.desc())
        .limit(need)
        .subquery("candidates")
    )
    return _checked(candidates, conditions)


def _pg_window(user, filters, conditions: list) -> list:
    """The rows of ``window_statement`` (PostgreSQL), taken without trusting the planner's guess
    of how many practices match: it multiplies the frequencies of the words and of the filters
    as if they were independent, and a word tied to a theme (or foreign to it) makes that guess
    wrong tenfold, so it walked 40,000 rows for a rare match or fetched 10,000 for a common one.

    Instead: walk the ``RECENT`` most recent practices; that says how dense the matches are. If
    the window is not full, walk on as far as that density says, when at least ``DENSE`` of
    ``RECENT`` matched (walking a row costs about a fifth of fetching one from the index), or else
    take the rest from the GIN index: at such a density, few to fetch. Each step is bounded by what
    the previous ones measured (at 100,000 practices: under 20,000 rows walked, or about 2,000
    fetched, instead of the 40,000 and 10,000 above)."""
    query = pg_query(user, filters)
    if query is None:
        return []
    try:
        return _pg_steps(query, conditions)
    except _Stale:
        stmt = window_statement(user, filters, conditions)
        return [] if stmt is None else list(db.session.execute(stmt))


def _pg_steps(query, conditions: list) -> list:
    wanted = WINDOW + 1
    rows = _pg_walk(query, conditions, RECENT, wanted)
    walked, total, before, walked_on = RECENT, RECENT, None, False
    while len(rows) < wanted:
        before = _pg_edge(walked, before)
        if before is None:
            return rows
        if before[0] is None:  # a published practice without its date: take the one statement
            raise _Stale
        need = wanted - len(rows)
        if walked_on or len(rows) * RECENT < DENSE * total:
            return rows + _pg_indexed(query, conditions, need, before)
        walked = math.ceil(1.5 * need * total / len(rows))
        rows += _pg_walk(query, conditions, walked, need, before)
        total += walked
        walked_on = True
    return rows


def window(user, filters, conditions: list) -> list[tuple[int, float]]:
    """(practice id, sort key: smaller is more relevant), most recent first, at most
    ``WINDOW + 1`` (one more says there are more). ``conditions`` (visibility and filters, on
    Practice) are part of the same statement, so nothing the searcher may not see comes back."""
    if db.session.get_bind().dialect.name == "postgresql":
        # psycopg prepares a statement run five times, and PostgreSQL then plans it once for any
        # parameters (a generic plan): blind to the words, that plan takes every match from the
        # GIN index and sorts them, 150 ms and more for a common word. Plan each search for its
        # own words (this lasts until the end of the transaction).
        db.session.execute(sa.text("SET LOCAL plan_cache_mode = force_custom_plan"))
        found: Iterable[sa.Row[Any]] = _pg_window(user, filters, conditions)
    else:
        stmt = window_statement(user, filters, conditions)
        found = [] if stmt is None else db.session.execute(stmt)
    return rank(query_terms(filters.q), found)
