"""Matching words with accents optional in plain SQL, on SQLite and PostgreSQL alike.

Both sides are folded (``intranet.text.fold``: lower case, accents off): the query in Python, the
column in SQL, by ``fold(...)`` on SQLite (a function ``intranet.database`` gives every connection)
and ``lower(unaccent(...))`` on PostgreSQL (the ``unaccent`` extension the practices' search
configuration already needs). Folding a long text costs (a Python function per row on SQLite,
``unaccent``'s dictionary on PostgreSQL), so each word is first looked for by the engine's own
``LIKE``/``ILIKE`` with the letters that an accent may hide left open (« hebergement » ->
``%h_b_rg_m_nt%``, which « Hébergement » matches): only the rows that pass it are folded.

For the few features whose tables stay small or that have no index of their own (trainings,
advocacy texts, the spaces' discussions and decisions); the practices have a real full-text index.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from ..database import is_sqlite
from ..text import fold

STOPWORDS = frozenset(
    """a au aux avec ce ces cet cette d dans de des du elle en et il ils je la le les leur lui l m
    ma mais me mes mon n ne nos notre nous on ou par pas pour qu que qui s sa se ses son sur t ta te
    tes ton tu un une vos votre vous y c j est sont the an and or of in for to at on with by is""".split()
)
MAX_WORDS = 8
_WORD = re.compile(r"[0-9a-z]+")
# Letters that a folded accented letter becomes (é -> e, ç -> c, ñ -> n, ÿ -> y...).
_MAY_HIDE_AN_ACCENT = frozenset("aceinouy")


def query_words(text: str) -> list[str]:
    """The words of a query, folded, without common words, each once, at most ``MAX_WORDS``."""
    seen: list[str] = []
    for word in _WORD.findall(fold(text or "")):
        if len(word) > 1 and word not in STOPWORDS and word not in seen:
            seen.append(word)
    return seen[:MAX_WORDS]


def folded(column):
    """``column`` lower case without accents, in SQL."""
    if is_sqlite():
        return sa.func.fold(column)
    return sa.func.lower(sa.func.unaccent(column))


def _skeleton(word: str) -> str:
    # « oe »/« ae » may be one letter (œ, æ): left wholly open.
    word = re.sub(r"[oa]e", "%", word)
    return "%" + "".join("_" if c in _MAY_HIDE_AN_ACCENT else c for c in word) + "%"


def contains(column, word: str):
    """A condition: the folded ``column`` holds ``word`` (a folded word of ``query_words``)."""
    pattern = f"%{word}%"  # [0-9a-z] only: nothing to escape
    if is_sqlite():  # LIKE is case-blind for ASCII letters
        return sa.and_(column.like(_skeleton(word)), sa.func.fold(column).like(pattern))
    # PostgreSQL runs the cheaper condition first: unaccent() only on the rows ILIKE let through.
    return sa.and_(column.ilike(_skeleton(word)), folded(column).like(pattern))


def all_words_in(columns: list, words) -> list:
    """Conditions: each word is in one of ``columns``."""
    return [sa.or_(*(contains(column, word) for column in columns)) for word in words]


def all_words_in_folded(column, words) -> list:
    """Conditions: each word is in ``column``, a text stored already folded (a feature's search
    column, written with its source): a plain ``LIKE``, which a trigram index serves on PostgreSQL."""
    return [column.like(f"%{word}%") for word in words]  # [0-9a-z] only: nothing to escape
