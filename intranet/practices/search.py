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
(cheap: FTS5 walks its index by rowid, PostgreSQL sorts narrow heap rows) and ranks those by
relevance (``relevance``: the same Python scoring on both engines, from the words of the title and
summary), then recency.
A query matching fewer practices (nearly all real ones) is ranked in full; the count shown says
« plus de 1 000 » otherwise, and the pages never go past that window.
On SQLite the visibility and the filters are also tokens of an unweighted ``facets`` column
(``vnetwork o12 t3 r5 afeminist sshelter``), so the window is taken among the practices that
pass them, inside the full-text query itself.
"""

from __future__ import annotations

import math
import re
import unicodedata

import sqlalchemy as sa
from sqlalchemy import event

from ..extensions import db
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


def clear_index() -> None:
    """Empty the SQLite index (the tests' clean-up after committed tests)."""
    with db.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("DELETE FROM practice_fts")


# --- French normalisation (SQLite side) -------------------------------------------------------

STOPWORDS = frozenset(
    """a au aux avec ce ces cet cette d dans de des du elle en et eux il ils je la le les leur leurs
    lui l m ma mais me meme mes moi mon n ne nos notre nous on ou par pas pour qu que qui s sa se ses
    son sur t ta te tes toi ton tu un une vos votre vous y c j est sont ete etre avoir ont""".split()
)
_WORD = re.compile(r"[0-9a-z]+")


def fold(text: str) -> str:
    """Lower case without accents: « Hébergement » -> « hebergement »."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("œ", "oe").replace("æ", "ae")


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


def facets(practice: Practice) -> str:
    """Filter tokens of a practice (SQLite index): visibility, organization, region, themes..."""
    tokens = [f"o{practice.organization_id}"]
    if practice.visibility == Visibility.NETWORK:
        tokens.append("vnetwork")
    if practice.region_id:
        tokens.append(f"r{practice.region_id}")
    tokens += [f"t{t.id}" for t in practice.themes]
    tokens += [f"a{a}" for a in practice.approaches]
    tokens += [f"s{s}" for s in practice.sectors]
    return " ".join(tokens)


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
                f"setweight(to_tsvector('{TS_CONFIG}', body), 'C') WHERE id = :id"
            ),
            {"id": practice.id, "extra": _extra_text(practice)},
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


def _facet_filter(user, filters) -> str:
    parts = [f"facets : (vnetwork OR o{int(user.organization_id)})"]
    if filters.theme_id:
        parts.append(f"facets : t{int(filters.theme_id)}")
    if filters.region_id:
        parts.append(f"facets : r{int(filters.region_id)}")
    if filters.organization_id:
        parts.append(f"facets : o{int(filters.organization_id)}")
    if filters.approach:
        parts.append(f"facets : a{re.sub(r'[^a-z]', '', filters.approach)}")
    if filters.sector:
        parts.append(f"facets : s{re.sub(r'[^a-z]', '', filters.sector)}")
    return " AND ".join(parts)


def window_statement(user, filters, conditions: list) -> sa.Select | None:
    """The search window as one statement: (id, search_words) of the ``WINDOW + 1`` most
    recent visible, filtered matches, most recent first; None when the query has no searchable
    word. The engine's index finds the matches; ``relevance`` ranks this short list."""
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
    tsquery = pg_tsquery(filters.q)
    if tsquery is None:
        return None
    return (
        sa.select(Practice.id, Practice.search_words)
        .where(*conditions, Practice.search_vector.op("@@")(tsquery))
        .order_by(Practice.published_at.desc(), Practice.id.desc())
        .limit(WINDOW + 1)
    )


def relevance(terms: list[str], title_words: list[str], summary_words: list[str], idf: dict[str, float]) -> float:
    """How well a practice answers the query: the words in its title count most, then in its
    summary (a match in the body alone counts only as a match). Saturating term frequency as in
    bm25; the last word is a prefix, as typed."""
    score = 0.0
    for index, term in enumerate(terms):
        prefix = index == len(terms) - 1
        for tokens, weight in ((title_words, 8.0), (summary_words, 3.0)):
            hits = sum(1 for t in tokens if (t.startswith(term) if prefix else t == term))
            if hits:
                score += weight * idf.get(term, 1.0) * hits / (hits + 1.2) / (0.75 + 0.25 * len(tokens) / 12)
    return score


def window(user, filters, conditions: list) -> list[tuple[int, float]]:
    """(practice id, sort key: smaller is more relevant), most recent first, at most
    ``WINDOW + 1`` (one more says there are more). ``conditions`` (visibility and filters, on
    Practice) are part of the same statement, so nothing the searcher may not see comes back."""
    stmt = window_statement(user, filters, conditions)
    if stmt is None:
        return []
    terms = query_terms(filters.q)
    texts = []
    for row in db.session.execute(stmt):
        title, _, summary = (row.search_words or "").partition("\n")
        texts.append((row.id, title.split(), summary.split()))
    # Rarer words (in this window) weigh more, as an inverse document frequency.
    idf = {}
    for index, term in enumerate(terms):
        prefix = index == len(terms) - 1
        df = sum(
            1 for _id, title, summary in texts
            if any((t.startswith(term) if prefix else t == term) for t in title + summary)
        )
        idf[term] = math.log(1 + (len(texts) + 1) / (df + 0.5))
    return [(pid, -relevance(terms, title, summary, idf)) for pid, title, summary in texts]
