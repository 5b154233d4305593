"""Where a search matched: titles and snippets of practices with the matched words in ``<mark>``
(issue 17), asked of the engine that matched them (``search``).

* PostgreSQL: ``ts_headline`` with the search's own tsquery and text search configuration marks
  the text people wrote (stems and accents as the search understood them).
* SQLite: the FTS5 index holds normalised words (accents, plurals and stop words off, see
  ``search``), so its ``snippet()`` would show « hebergement femme victime » rather than the
  text. The words of the real text are marked whose normalised form the query matches as FTS5
  does (each quoted term whole, the last one as a prefix), in a snippet chosen around the most
  matches (``intranet.search.highlight``). Asking FTS5's ``highlight()`` the same thing cost a
  pass over every practice the prefix matches: 30 ms a page when a word is common.

Both escape everything before adding ``<mark>``: the result is safe to render.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from markupsafe import Markup

from ..database import is_sqlite
from ..extensions import db
from ..search.highlight import START, STOP, from_markers, mark, snippet
from . import search
from .models import Practice

Marked = tuple[Markup, Markup]  # (title, snippet)
# The snippet: summary then body, at most this long (a few words either side of the matches).
HEADLINE = f"StartSel={START}, StopSel={STOP}, MinWords=18, MaxWords=36, ShortWord=2"
TITLE = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"


def for_page(practices: list[Practice], q: str) -> dict[int, Marked]:
    """Practice id -> (title, snippet), marked; empty without a searchable word."""
    if not practices or not (q or "").strip():
        return {}
    if is_sqlite():
        return _sqlite(practices, q)
    return _postgresql(practices, q)


def _text(practice: Practice) -> str:
    return f"{practice.summary or ''}\n\n{practice.body or ''}"


def _sqlite(practices: list[Practice], q: str) -> dict[int, Marked]:
    terms = search.query_terms(q)
    if not terms:
        return {}
    matches = search.matches_word(terms)  # what the FTS5 query found, word by word
    return {
        practice.id: (mark(practice.title, matches), snippet(_text(practice), matches))
        for practice in practices
    }


def _postgresql(practices: list[Practice], q: str) -> dict[int, Marked]:
    query = search.pg_tsquery(q)
    if query is None:
        return {}
    config: sa.ColumnClause[Any] = sa.literal_column(f"'{search.TS_CONFIG}'::regconfig")
    clean = sa.literal(START + STOP)

    def headline(text, options: str):
        # The markers cannot come from the text: they are taken out of it first.
        return sa.func.ts_headline(config, sa.func.translate(text, clean, ""), query, options)

    rows = db.session.execute(
        sa.select(
            Practice.id,
            headline(Practice.title, TITLE),
            headline(Practice.summary + sa.literal("\n\n") + Practice.body, HEADLINE),
        ).where(Practice.id.in_([p.id for p in practices]))
    ).all()
    return {pid: (from_markers(title, markdown=False), from_markers(text)) for pid, title, text in rows}
