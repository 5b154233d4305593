"""Where a search matched: titles and snippets of practices with the matched words in ``<mark>``
(issue 17), asked of the engine that matched them (``search``).

* PostgreSQL: ``ts_headline`` with the search's own tsquery and text search configuration marks
  the text people wrote (stems and accents as the search understood them).
* SQLite: the FTS5 index holds normalised words (accents, plurals and stop words off, see
  ``search``), so its ``snippet()`` would show « hebergement femme victime » rather than the
  text. Its ``highlight()`` says which indexed words the query matched in each practice; the
  words of the real text whose normalised form is one of them are marked, in a snippet chosen
  around the most matches (``intranet.search.highlight``).

Both escape everything before adding ``<mark>``: the result is safe to render.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup

from ..database import is_sqlite
from ..extensions import db
from ..search.highlight import START, STOP, from_markers, mark, snippet
from . import search
from .models import Practice

Marked = tuple[Markup, Markup]  # (title, snippet)
_MARKED = re.compile(f"{START}([^{STOP}]*){STOP}")
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
    rows = db.session.execute(
        sa.text(
            "SELECT rowid, highlight(practice_fts, 0, :a, :b) || ' ' || highlight(practice_fts, 1, :a, :b)"
            " || ' ' || highlight(practice_fts, 2, :a, :b) || ' ' || highlight(practice_fts, 3, :a, :b)"
            " FROM practice_fts WHERE practice_fts MATCH :match AND rowid IN ("
            + ", ".join(str(int(p.id)) for p in practices)
            + ")"
        ),
        {"a": START, "b": STOP, "match": search._sqlite_match(terms)},
    ).all()
    matched = {pid: set(_MARKED.findall(text or "")) for pid, text in rows}
    marked = {}
    for practice in practices:
        tokens = matched.get(practice.id, set())

        def matches(word: str, tokens=tokens) -> bool:
            return word not in search.STOPWORDS and search.stem(word) in tokens

        marked[practice.id] = (mark(practice.title, matches), snippet(_text(practice), matches))
    return marked


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
