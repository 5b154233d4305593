"""Full-text search of practices, one interface over SQLite FTS5 and PostgreSQL full-text search.

Both engines must understand French as people type it: accents optional, case and plurals
ignored, ranked by relevance then recency, the last word matched as a prefix (search as you type).

* SQLite: an FTS5 table ``practice_fts`` (rowid = practice id) with the ``unicode61
  remove_diacritics 2`` tokenizer. FTS5 has no French stemmer, so the same light normalisation
  (accents off, lower case, French plural endings off, stop words out) is applied in Python to the
  indexed text and to the query: « Hébergements » and « hebergement » meet on ``hebergement``.
  The trigram tokenizer was not chosen: it matches inside words (noise for short queries), knows
  nothing of plurals and triples the index.
* PostgreSQL: a ``search_vector`` tsvector column with a GIN index, built with the text search
  configuration ``passerelle_fr`` (French snowball stemmer after ``unaccent``).

Only published practices are indexed, and every query filters by visibility in the same SQL
statement, so search never returns (or counts) what the searcher may not see (rule 3).

Ranking every match of a very common word (« femme » is in most practices) costs a relevance
computation per match (bm25 or ts_rank): at 100,000 practices that is far over the page budget on
both engines. So a search takes the ``WINDOW`` most recent matching practices the searcher may see
and ranks those by relevance (``ranking``: the same Python scoring on both engines, from the
words of the title and summary), then recency.
A query matching fewer practices (nearly all real ones) is ranked in full; the count shown says
« plus de 300 » otherwise, and the pages never go past that window.

The visibility and the filters are also part of the full-text query itself, as filter tokens
(``vnetwork o12 t3 r5 afeminist sshelter``) that no text and no query can produce: on SQLite in
an unweighted ``facets`` column (``φvnetwork φt3``: ``facets``), on PostgreSQL as lexemes of the
vector (``=vnetwork``, ``=t3``: ``pg_facets``). The index thus finds only the practices
that pass them; the SQL conditions stay in every statement all the same, and decide.

Taking the window: FTS5 walks its index by rowid (most recent first). PostgreSQL has no index
that gives matches in order of recency, and its planner guesses badly between walking the recent
practices (fast when matches are dense) and fetching every match from the GIN index (fast when
they are sparse): it takes words and filters as independent, and a word tied to a theme makes
that guess wrong tenfold either way. So ``_pg_window`` measures instead: it walks the ``RECENT``
most recent practices, and if the window is not full, walks on as far as the density found says
(dense matches) or takes the rest from the GIN index (sparse ones). Each search is also planned
for its own words (``force_custom_plan``): psycopg prepares a statement run five times and
PostgreSQL's generic plan for it, blind to the words, fetched every match of a common word.

The parts: ``french`` (the normalisation), ``tokens`` (the filter tokens), ``sqlite`` (FTS5: DDL,
entries, MATCH), ``postgres`` (tsvector: DDL, vector, tsquery), ``index`` (keeping the index in
line), ``planner`` (taking the window: ``WINDOW``, ``window_statement``, PostgreSQL's steps) and
``ranking``. A test patches a name in the module that looks it up (``search.planner.RECENT``).
"""

from __future__ import annotations

from .french import STOPWORDS, normalized, query_terms, stem, words
from .index import index_practice, optimize, reindex_all
from .planner import DENSE, RECENT, WINDOW, _pg_window, window, window_statement
from .postgres import (
    PG_FACET,
    POSTGRES_CREATE,
    POSTGRES_DROP,
    POSTGRES_NARROW,
    TS_CONFIG,
    pg_facets,
    pg_query,
    pg_tsquery,
)
from .sqlite import FTS_FACET, SQLITE_CREATE, SQLITE_DROP, _sqlite_match, facets, matches_word
from .tokens import facet_tokens

__all__ = [
    "DENSE",
    "FTS_FACET",
    "PG_FACET",
    "POSTGRES_CREATE",
    "POSTGRES_DROP",
    "POSTGRES_NARROW",
    "RECENT",
    "SQLITE_CREATE",
    "SQLITE_DROP",
    "STOPWORDS",
    "TS_CONFIG",
    "WINDOW",
    "_pg_window",
    "_sqlite_match",
    "facet_tokens",
    "facets",
    "index_practice",
    "matches_word",
    "normalized",
    "optimize",
    "pg_facets",
    "pg_query",
    "pg_tsquery",
    "query_terms",
    "reindex_all",
    "stem",
    "window",
    "window_statement",
    "words",
]
