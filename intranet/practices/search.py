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
and ranks those by relevance (``relevance``: the same Python scoring on both engines, from the
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
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql

from ..database import UTCDateTime
from ..extensions import db
from ..text import fold
from .models import Practice, Status, Visibility

TS_CONFIG = "passerelle_fr"

# --- DDL (shared by create_all and the hand-written migration) -------------------------------

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS practice_fts USING fts5("
    "title, summary, body, extra, facets, tokenize = 'unicode61 remove_diacritics 2')",
)
SQLITE_DROP = ("DROP TABLE IF EXISTS practice_fts",)

POSTGRES_CREATE = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    f"""DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{TS_CONFIG}') THEN
        CREATE TEXT SEARCH CONFIGURATION {TS_CONFIG} (COPY = pg_catalog.french);
        ALTER TEXT SEARCH CONFIGURATION {TS_CONFIG}
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
    END IF;
END $$""",
)
POSTGRES_DROP = (f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {TS_CONFIG}",)
# The list pages read only short columns: the body goes out of line (TOAST), so a scan of many rows
# (counts, the search window) stays on a small heap. The vector stays in the row, compressed
# (MAIN): the planner does not count the cost of fetching an out-of-line value, and a vector out
# of line made it prefer scans that fetch every one of them.
POSTGRES_NARROW = (
    "ALTER TABLE practice SET (toast_tuple_target = 256)",
    "ALTER TABLE practice ALTER COLUMN body SET STORAGE EXTERNAL",
    "ALTER TABLE practice ALTER COLUMN search_vector SET STORAGE MAIN",
)
WINDOW = 300
# The first character of the filter tokens (``facets``, ``pg_facets``): a letter that no word of
# the normalised text has (FTS5), a character that no lexeme begins with (PostgreSQL).
FTS_FACET = "φ"
PG_FACET = "="
# PostgreSQL window (see ``_pg_window``): the most recent published practices walked first, and
# the matches among them from which walking on is cheaper than fetching every older match.
RECENT = 1000
DENSE = 25


for _statement in SQLITE_CREATE:
    event.listen(Practice.__table__, "after_create", sa.DDL(_statement).execute_if(dialect="sqlite"))
for _statement in SQLITE_DROP:
    event.listen(Practice.__table__, "before_drop", sa.DDL(_statement).execute_if(dialect="sqlite"))
# The configuration must exist before anything computes a vector; dropping it would fail while
# another database object still uses it, and it is harmless to keep, so it is not dropped here.
for _statement in POSTGRES_CREATE:
    event.listen(
        Practice.__table__,
        "before_create",
        sa.DDL(_statement.replace("%", "%%")).execute_if(dialect="postgresql"),
    )
for _statement in POSTGRES_NARROW:
    event.listen(Practice.__table__, "after_create", sa.DDL(_statement).execute_if(dialect="postgresql"))


# --- French normalisation (SQLite side) -------------------------------------------------------

STOPWORDS = frozenset(
    """a au aux avec ce ces cet cette d dans de des du elle en et eux il ils je la le les leur leurs
    lui l m ma mais me meme mes moi mon n ne nos notre nous on ou par pas pour qu que qui s sa se ses
    son sur t ta te tes toi ton tu un une vos votre vous y c j est sont ete etre avoir ont""".split()
)
_WORD = re.compile(r"[0-9a-z]+")


def stem(word: str) -> str:
    """French plural endings: réseaux -> reseau, locaux -> local, femmes -> femme, prix -> prix."""
    if len(word) > 4 and word.endswith("eaux"):
        return word[:-1]
    if len(word) > 4 and word.endswith("aux"):
        return word[:-3] + "al"
    if len(word) > 3 and word[-1] in "sx" and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str | None) -> list[str]:
    return [stem(w) for w in _WORD.findall(fold(text or "")) if w not in STOPWORDS and len(w) > 1]


def normalized(text: str | None) -> str:
    return " ".join(words(text))


def query_terms(q: str) -> list[str]:
    """The words of a query as the index knows them (limited, so a pasted page stays cheap)."""
    return words(q)[:12]


# --- Index maintenance --------------------------------------------------------------------------


def _extra_text(practice: Practice) -> str:
    parts = [t.name_fr + " " + t.name_en for t in practice.themes]
    parts.append(practice.audience or "")
    parts.append(practice.organization.name if practice.organization else "")
    if practice.region:
        parts.append(practice.region.name)
    return " ".join(parts)


def facet_tokens(practice: Practice) -> list[str]:
    """Filter tokens of a practice: visibility, organization, region, themes..."""
    tokens = [f"o{practice.organization_id}"]
    if practice.visibility == Visibility.NETWORK:
        tokens.append("vnetwork")
    if practice.region_id:
        tokens.append(f"r{practice.region_id}")
    tokens += [f"t{t.id}" for t in practice.themes]
    tokens += [f"a{a}" for a in practice.approaches]
    tokens += [f"s{s}" for s in practice.sectors]
    return tokens


def facets(practice: Practice) -> str:
    """The filter tokens for FTS5's ``facets`` column: ``φvnetwork φo12 φt3``... The words of
    the text and of queries are made of ``[0-9a-z]`` only (``words``), so none is or begins with
    a filter token: typing « t3 » or « vnetwork » finds nothing."""
    return " ".join(FTS_FACET + token for token in facet_tokens(practice))


def pg_facets(practice: Practice) -> list[str]:
    """The filter tokens as lexemes of the PostgreSQL vector: ``=vnetwork``, ``=o12``, ``=t3``...
    The text parser never starts a lexeme with ``=``, so no text matches them and no query
    typed by a person reaches them."""
    return [PG_FACET + token for token in facet_tokens(practice)]


def index_practice(practice: Practice) -> None:
    """Bring the index in line with the practice (call after every change, once flushed).

    Only published practices are in the index; any other state removes the practice from it.
    """
    published = practice.status == Status.PUBLISHED
    practice.search_words = (normalized(practice.title) + "\n" + normalized(practice.summary)) if published else None
    db.session.flush()
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(sa.text("DELETE FROM practice_fts WHERE rowid = :id"), {"id": practice.id})
        if practice.status == Status.PUBLISHED:
            db.session.execute(
                sa.text(
                    "INSERT INTO practice_fts(rowid, title, summary, body, extra, facets) "
                    "VALUES (:id, :title, :summary, :body, :extra, :facets)"
                ),
                {
                    "id": practice.id,
                    "title": normalized(practice.title),
                    "summary": normalized(practice.summary),
                    "body": normalized(practice.body),
                    "extra": normalized(_extra_text(practice)),
                    "facets": facets(practice),
                },
            )
        return
    if practice.status == Status.PUBLISHED:
        db.session.execute(
            sa.text(
                f"UPDATE practice SET search_vector = "
                f"setweight(to_tsvector('{TS_CONFIG}', title), 'A') || "
                f"setweight(to_tsvector('{TS_CONFIG}', summary), 'B') || "
                f"setweight(to_tsvector('{TS_CONFIG}', :extra), 'B') || "
                f"setweight(to_tsvector('{TS_CONFIG}', body), 'C') || "
                f"array_to_tsvector(CAST(:facets AS text[])) WHERE id = :id"
            ),
            {"id": practice.id, "extra": _extra_text(practice), "facets": pg_facets(practice)},
        )
    else:
        db.session.execute(sa.text("UPDATE practice SET search_vector = NULL WHERE id = :id"), {"id": practice.id})


def reindex_all() -> int:
    """Index every practice again (by batches); returns how many were published."""
    count = 0
    last = 0
    while True:
        batch = list(
            db.session.scalars(sa.select(Practice).where(Practice.id > last).order_by(Practice.id).limit(500)).unique()
        )
        if not batch:
            return count
        for practice in batch:
            index_practice(practice)
            count += practice.status == Status.PUBLISHED
        last = batch[-1].id
        db.session.flush()


def optimize() -> None:
    """SQLite: merge the index into one segment, dropping what deleted entries left behind."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(sa.text("INSERT INTO practice_fts(practice_fts) VALUES ('optimize')"))


def remove_practice(practice_id: int) -> None:
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(sa.text("DELETE FROM practice_fts WHERE rowid = :id"), {"id": practice_id})


# --- Querying -----------------------------------------------------------------------------------

_fts = sa.table("practice_fts", sa.column("rowid", sa.Integer))


def _sqlite_match(terms: list[str]) -> str:
    # Each term quoted (no FTS5 syntax from users); the last one is a prefix: search as you type.
    quoted = [f'"{t}"' for t in terms]
    quoted[-1] += "*"
    return " ".join(quoted)


def _pg_tsquery(q: str) -> str | None:
    raw = [w for w in re.findall(r"\w+", q.lower()) if len(w) > 1][:12]
    if not raw:
        return None
    raw[-1] += ":*"
    return " & ".join(raw)


def pg_tsquery(q: str):
    """The tsquery of what was typed (PostgreSQL), or None when it holds no searchable word."""
    text = _pg_tsquery(q)
    if text is None:
        return None
    return sa.func.to_tsquery(sa.literal_column(f"'{TS_CONFIG}'::regconfig"), text)


def has_terms(q: str) -> bool:
    if db.session.get_bind().dialect.name == "sqlite":
        return bool(query_terms(q))
    return _pg_tsquery(q) is not None


def _facet_tokens(user, filters) -> tuple[list[str], list[str]]:
    """Visibility (any of) and the filters (all of) as facet tokens, without the engine's marker."""
    any_of = ["vnetwork", f"o{int(user.organization_id)}"]
    all_of = []
    if filters.theme_id:
        all_of.append(f"t{int(filters.theme_id)}")
    if filters.region_id:
        all_of.append(f"r{int(filters.region_id)}")
    if filters.organization_id:
        all_of.append(f"o{int(filters.organization_id)}")
    if filters.approach:
        all_of.append("a" + re.sub(r"[^a-z]", "", filters.approach))
    if filters.sector:
        all_of.append("s" + re.sub(r"[^a-z]", "", filters.sector))
    return any_of, all_of


def _facet_filter(user, filters) -> str:
    """The FTS5 query over the facets column: ``facets : ("φvnetwork" OR "φo12") AND facets : "φt3"``."""
    any_of, all_of = _facet_tokens(user, filters)
    visible = " OR ".join(f'"{FTS_FACET}{token}"' for token in any_of)
    return " AND ".join([f"facets : ({visible})"] + [f'facets : "{FTS_FACET}{token}"' for token in all_of])


def _pg_facet_query(user, filters) -> str:
    """Visibility and the filters as a tsquery over the facet lexemes (PostgreSQL twin of
    ``_facet_filter``): ``( '=vnetwork' | '=o12' ) & '=t3'``."""
    any_of, all_of = _facet_tokens(user, filters)
    visible = " | ".join(f"'{PG_FACET}{token}'" for token in any_of)
    return " & ".join([f"( {visible} )"] + [f"'{PG_FACET}{token}'" for token in all_of])


def pg_query(user, filters):
    """The words typed, the searcher's visibility and the filters as one tsquery (PostgreSQL), or
    None when the query holds no searchable word. The GIN index answers all of it at once."""
    tsquery = pg_tsquery(filters.q)
    if tsquery is None:
        return None
    facets = sa.cast(sa.literal(_pg_facet_query(user, filters), sa.String()), postgresql.TSQUERY)
    # Only stop words (« de la »): an empty tsquery, which matches nothing, but which joined to
    # the filters would leave them alone. (The whole expression is folded into a constant when
    # the statement is planned, so the planner sees the query itself.)
    return sa.case(
        (sa.func.numnode(tsquery) == 0, sa.cast(sa.null(), postgresql.TSQUERY)),
        else_=tsquery.op("&&")(facets),
    )


def window_statement(user, filters, conditions: list) -> sa.Select | None:
    """The search window as one statement: (id, search_words) of the ``WINDOW + 1`` most
    recent visible, filtered matches, most recent first; None when the query has no searchable
    word. The engine's index finds the matches; ``relevance`` ranks this short list.
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


def _hits(padded: str, term: str, prefix: bool) -> int:
    """How many words of ``padded`` (``_padded``) are ``term``, or start with it (``prefix``)."""
    return padded.count(" " + term if prefix else " " + term + " ")


def _padded(words_line: str) -> str:
    """« a b » -> « ␣a␣␣b␣ »: each word between two spaces of its own, so that ``str.count``
    finds every whole word (no space shared by two matches) at the speed of C."""
    return " " + "  ".join(words_line.split()) + " "


def relevance(terms: list[str], title_words: list[str], summary_words: list[str], idf: dict[str, float]) -> float:
    """How well a practice answers the query: the words in its title count most, then in its
    summary (a match in the body alone counts only as a match). Saturating term frequency as in
    bm25; the last word is a prefix, as typed."""
    return _relevance(terms, _padded(" ".join(title_words)), len(title_words), _padded(" ".join(summary_words)),
                      len(summary_words), idf)


def _relevance(terms: list[str], title: str, title_length: int, summary: str, summary_length: int,
               idf: dict[str, float]) -> float:
    score = 0.0
    last = len(terms) - 1
    for index, term in enumerate(terms):
        for text, length, weight in ((title, title_length, 8.0), (summary, summary_length, 3.0)):
            hits = _hits(text, term, index == last)
            if hits:
                score += weight * idf.get(term, 1.0) * hits / (hits + 1.2) / (0.75 + 0.25 * length / 12)
    return score


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
    terms = query_terms(filters.q)
    texts: list[tuple[int, str, int, str, int]] = []
    for row in found:
        title, _, summary = (row.search_words or "").partition("\n")
        title_words, summary_words = title.split(), summary.split()
        texts.append((row.id, _padded(title), len(title_words), _padded(summary), len(summary_words)))
    # Rarer words (in this window) weigh more, as an inverse document frequency.
    idf = {}
    for index, term in enumerate(terms):
        prefix = index == len(terms) - 1
        df = sum(1 for _id, title, _, summary, _ in texts if _hits(title, term, prefix) or _hits(summary, term, prefix))
        idf[term] = math.log(1 + (len(texts) + 1) / (df + 0.5))
    return [
        (pid, -_relevance(terms, title, title_length, summary, summary_length, idf))
        for pid, title, title_length, summary, summary_length in texts
    ]
