"""SQLite: the FTS5 table ``practice_fts`` (rowid = practice id, ``unicode61 remove_diacritics 2``),
its DDL, its entries (the words of ``french``, the filter tokens in an unweighted ``facets``
column: ``φvnetwork φt3``) and its MATCH expressions."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy import event

from ...extensions import db
from ..models import Practice, Status
from .french import STOPWORDS, normalized, stem
from .tokens import _facet_tokens, facet_tokens

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS practice_fts USING fts5("
    "title, summary, body, extra, facets, tokenize = 'unicode61 remove_diacritics 2')",
)
SQLITE_DROP = ("DROP TABLE IF EXISTS practice_fts",)
# The first character of the filter tokens: a letter that no word of the normalised text has.
FTS_FACET = "φ"

for _statement in SQLITE_CREATE:
    event.listen(Practice.__table__, "after_create", sa.DDL(_statement).execute_if(dialect="sqlite"))
for _statement in SQLITE_DROP:
    event.listen(Practice.__table__, "before_drop", sa.DDL(_statement).execute_if(dialect="sqlite"))

_fts = sa.table("practice_fts", sa.column("rowid", sa.Integer))


def facets(practice: Practice) -> str:
    """The filter tokens for FTS5's ``facets`` column: ``φvnetwork φo12 φt3``... The words of
    the text and of queries are made of ``[0-9a-z]`` only (``words``), so none is or begins with
    a filter token: typing « t3 » or « vnetwork » finds nothing."""
    return " ".join(FTS_FACET + token for token in facet_tokens(practice))


def write_entry(practice: Practice, extra_text: str) -> None:
    """The practice's entry in ``practice_fts``: removed, then written again if it is published."""
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
                "extra": normalized(extra_text),
                "facets": facets(practice),
            },
        )


def optimize() -> None:
    """Merge the index into one segment, dropping what deleted entries left behind."""
    db.session.execute(sa.text("INSERT INTO practice_fts(practice_fts) VALUES ('optimize')"))


def _sqlite_match(terms: list[str]) -> str:
    # Each term quoted (no FTS5 syntax from users); the last one is a prefix: search as you type.
    quoted = [f'"{t}"' for t in terms]
    quoted[-1] += "*"
    return " ".join(quoted)


def matches_word(terms: list[str]) -> Callable[[str], bool]:
    """Whether a folded word of a text is one ``_sqlite_match(terms)`` finds: its indexed form
    (stop words and one-letter words are not indexed) is a term, or begins with the last one."""
    whole, prefix = set(terms[:-1]), terms[-1]

    def matches(word: str) -> bool:
        if word in STOPWORDS or len(word) < 2:
            return False
        token = stem(word)
        return token in whole or token.startswith(prefix)

    return matches


def _facet_filter(user, filters) -> str:
    """The FTS5 query over the facets column: ``facets : ("φvnetwork" OR "φo12") AND facets : "φt3"``."""
    any_of, all_of = _facet_tokens(user, filters)
    visible = " OR ".join(f'"{FTS_FACET}{token}"' for token in any_of)
    return " AND ".join([f"facets : ({visible})"] + [f'facets : "{FTS_FACET}{token}"' for token in all_of])
