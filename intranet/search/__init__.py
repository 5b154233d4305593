"""One search bar for the whole intranet: a registry of search sources, and the results page.

Each feature registers what it can find from its ``init_app`` (this package never imports a
feature)::

    from ..search import Found, Result, Source, register_source

    register_source(app, Source("practices", _l("Bonnes pratiques"), 10, search_practices))

where ``search_practices(query, user, limit)`` returns a :class:`Found`: how many matches the
person may see, and the first ``limit`` of them (page ``query.page``) as :class:`Result` rows whose
title and snippet are safe markup with the matched words in ``<mark>`` (``intranet.search.highlight``).
Every source applies its own visibility rules in its own queries: what a person may not open is
neither listed nor counted (rule 3). The registry lives in ``app.extensions["search_sources"]``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from markupsafe import Markup

from ..extensions import db
from .matching import query_words

KEY = "search_sources"
MAX_QUERY = 200


@dataclass(frozen=True)
class Query:
    """What was typed (cleaned: no control characters, at most ``MAX_QUERY`` characters), its
    words folded (lower case, accents off, short and common words out) and the page asked for."""

    text: str
    words: tuple[str, ...]
    page: int = 1

    @property
    def empty(self) -> bool:
        return not self.words


@dataclass(frozen=True)
class Result:
    title: Markup
    url: str
    snippet: Markup = field(default_factory=Markup)
    meta: str = ""
    when: date | datetime | None = None
    tag: str = ""


@dataclass
class Found:
    count: int
    results: list[Result]
    capped: bool = False  # ``count`` is a floor: « plus de 300 »
    more_url: str | None = None  # the feature's own search page for this query, when it has one


@dataclass(frozen=True)
class Source:
    kind: str
    label: Any  # a lazy string, the plural name of what it finds (« Bonnes pratiques »)
    order: int
    search: Callable[[Query, Any, int], Found]


def register_source(app: Flask, source: Source) -> None:
    app.extensions.setdefault(KEY, {})[source.kind] = source


def sources(app: Flask | None = None) -> list[Source]:
    registry = (app or current_app).extensions.get(KEY, {})
    return sorted(registry.values(), key=lambda s: (s.order, s.kind))


def source(kind: str | None) -> Source | None:
    return current_app.extensions.get(KEY, {}).get(kind or "")


def make_query(text: str | None, page: int = 1) -> Query:
    cleaned = "".join(ch if ch.isprintable() else " " for ch in (text or "")[: MAX_QUERY * 2])
    cleaned = " ".join(cleaned.split())[:MAX_QUERY]
    return Query(cleaned, tuple(query_words(cleaned)), max(page, 1))


def search_all(query: Query, user, limit: int) -> list[tuple[Source, Found]]:
    """Every source's answer, in the registry's order (nothing when the query has no word)."""
    if query.empty:
        return []
    return [(s, s.search(query, user, limit)) for s in sources()]


def paged(statement, query: Query, limit: int, *order) -> tuple[int, list]:
    """How many rows ``statement`` (a select of one entity, visibility and words in its WHERE)
    finds, and those of page ``query.page`` in ``order``: for sources matched with ``matching``.
    The total comes with the page (a window count), so the words are matched once."""
    counted = statement.add_columns(sa.func.count().over().label("search_total"))
    rows = (
        db.session.execute(counted.order_by(*order).limit(limit).offset((query.page - 1) * limit))
        .unique()
        .all()
    )
    if rows:
        return rows[0][-1], [row[0] for row in rows]
    if query.page == 1:
        return 0, []
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(statement.order_by(None).subquery())
    ) or 0, []


def init_app(app: Flask) -> None:
    from .views import bp

    app.register_blueprint(bp)
