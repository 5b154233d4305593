"""PostgreSQL: the ``search_vector`` tsvector column (GIN index) built with the text search
configuration ``passerelle_fr`` (French snowball stemmer after ``unaccent``), its DDL, the
vector of a practice (weighted words, then the filter tokens as lexemes: ``=vnetwork``, ``=t3``)
and the tsquery of a search."""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql

from ...extensions import db
from ..models import Practice, Status
from .tokens import _facet_tokens, facet_tokens

TS_CONFIG = "passerelle_fr"

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
# The first character of the filter tokens: a character that no lexeme begins with.
PG_FACET = "="

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


def pg_facets(practice: Practice) -> list[str]:
    """The filter tokens as lexemes of the PostgreSQL vector: ``=vnetwork``, ``=o12``, ``=t3``...
    The text parser never starts a lexeme with ``=``, so no text matches them and no query
    typed by a person reaches them."""
    return [PG_FACET + token for token in facet_tokens(practice)]


def write_vector(practice: Practice, extra_text: str) -> None:
    """The practice's ``search_vector``: its words and filter tokens if published, else NULL."""
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
            {"id": practice.id, "extra": extra_text, "facets": pg_facets(practice)},
        )
    else:
        db.session.execute(
            sa.text("UPDATE practice SET search_vector = NULL WHERE id = :id"), {"id": practice.id}
        )


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
