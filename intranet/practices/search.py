"""Full-text search of practices, one interface over SQLite FTS5 and PostgreSQL full-text search.

Both engines must understand French as people type it: accents optional, case and plurals
ignored, ranked by relevance then recency, the last word matched as a prefix (search as you type).

* SQLite: an FTS5 table ``practice_fts`` (rowid = practice id) with the ``unicode61
  remove_diacritics 2`` tokenizer. FTS5 has no French stemmer, so the same light normalisation
  (accents off, lower case, French plural endings off, stop words out) is applied in Python to the
  indexed text and to the query: « Hébergements » and « hebergement » meet on ``hebergement``.
  The trigram tokenizer was not chosen: it matches inside words (noise for short queries), ranks
  poorly with bm25 and triples the index.
* PostgreSQL: a ``search_vector`` tsvector column with a GIN index, built with the text search
  configuration ``passerelle_fr`` (French snowball stemmer after ``unaccent``).

Only published practices are indexed, and every query filters by visibility in the same SQL
statement, so search never returns (or counts) what the searcher may not see (rule 3).
"""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from sqlalchemy import event

from ..extensions import db
from .models import Practice, Status

TS_CONFIG = "passerelle_fr"

# --- DDL (shared by create_all and the hand-written migration) -------------------------------

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS practice_fts USING fts5("
    "title, summary, body, extra, tokenize = 'unicode61 remove_diacritics 2')",
    # Title weighs most, then summary and themes; bm25 applies these to ``rank``.
    "INSERT INTO practice_fts(practice_fts, rank) VALUES ('rank', 'bm25(8.0, 4.0, 1.0, 3.0)')",
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


def _run(statements):
    def listener(target, connection, **kw):
        for statement in statements:
            connection.exec_driver_sql(statement)

    return listener


event.listen(
    Practice.__table__, "after_create", sa.DDL(SQLITE_CREATE[0]).execute_if(dialect="sqlite")
)
event.listen(
    Practice.__table__, "after_create", sa.DDL(SQLITE_CREATE[1]).execute_if(dialect="sqlite")
)
event.listen(Practice.__table__, "before_drop", sa.DDL(SQLITE_DROP[0]).execute_if(dialect="sqlite"))
# The configuration must exist before anything computes a vector; dropping it would fail while
# another database object still uses it, and it is harmless to keep, so it is not dropped here.
for _statement in POSTGRES_CREATE:
    event.listen(
        Practice.__table__,
        "before_create",
        sa.DDL(_statement.replace("%", "%%")).execute_if(dialect="postgresql"),
    )


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


def index_practice(practice: Practice) -> None:
    """Bring the index in line with the practice (call after every change, once flushed).

    Only published practices are in the index; any other state removes the practice from it.
    """
    db.session.flush()
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(sa.text("DELETE FROM practice_fts WHERE rowid = :id"), {"id": practice.id})
        if practice.status == Status.PUBLISHED:
            db.session.execute(
                sa.text(
                    "INSERT INTO practice_fts(rowid, title, summary, body, extra) "
                    "VALUES (:id, :title, :summary, :body, :extra)"
                ),
                {
                    "id": practice.id,
                    "title": normalized(practice.title),
                    "summary": normalized(practice.summary),
                    "body": normalized(practice.body),
                    "extra": normalized(_extra_text(practice)),
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


def remove_practice(practice_id: int) -> None:
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(sa.text("DELETE FROM practice_fts WHERE rowid = :id"), {"id": practice_id})


# --- Querying -----------------------------------------------------------------------------------

_fts = sa.table("practice_fts", sa.column("rowid", sa.Integer), sa.column("rank", sa.Float))


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


def apply(stmt: sa.Select, q: str) -> tuple[sa.Select, object | None]:
    """Restrict ``stmt`` (a select over Practice) to what matches ``q``.

    Returns the statement and a relevance expression to order by (ascending: best first), or
    ``(None-matching statement, None)`` when the query has no searchable word.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        terms = query_terms(q)
        if not terms:
            return stmt, None
        stmt = stmt.join(_fts, _fts.c.rowid == Practice.id).where(
            sa.literal_column("practice_fts").op("MATCH")(_sqlite_match(terms))
        )
        # bm25 is negative: smaller is better; equal relevance falls back to recency.
        return stmt, _fts.c.rank
    text = _pg_tsquery(q)
    if text is None:
        return stmt, None
    tsquery = sa.func.to_tsquery(sa.literal_column(f"'{TS_CONFIG}'::regconfig"), text)
    stmt = stmt.where(Practice.search_vector.op("@@")(tsquery))
    return stmt, sa.desc(sa.func.ts_rank(Practice.search_vector, tsquery))


def has_terms(q: str) -> bool:
    if db.session.get_bind().dialect.name == "sqlite":
        return bool(query_terms(q))
    return _pg_tsquery(q) is not None
