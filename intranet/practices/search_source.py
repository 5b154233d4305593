"""The practices in the header's search (``intranet.search``): the library's own search, with
its visibility (published, network-wide or the searcher's organization), marked by the engine."""

from __future__ import annotations

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import escape

from ..search import Found, Query, Result, Source, register_source
from . import highlights, services
from .labels import label
from .models import Visibility


def find(query: Query, user, limit: int) -> Found:
    page = services.find(user, services.Filters(q=query.text), page=query.page, per_page=limit)
    marked = highlights.for_page(page.items, query.text)
    results = []
    for practice in page.items:
        # Unmarked, escaped here as the template would: the same page, a Markup like a marked one.
        title, text = marked.get(practice.id) or (escape(practice.title), escape(practice.summary[:200]))
        meta = " · ".join(
            n for n in (practice.organization.name, practice.region.name if practice.region else "") if n
        )
        tag = label("organization") if practice.visibility == Visibility.ORGANIZATION else ""
        results.append(
            Result(
                title,
                url_for("practices.show", practice_id=practice.id),
                text,
                meta,
                practice.published_at,
                tag,
            )
        )
    return Found(page.total, results, page.capped, url_for("practices.index", q=query.text))


def register(app: Flask) -> None:
    register_source(app, Source("practices", _l("Bonnes pratiques"), 10, find))
