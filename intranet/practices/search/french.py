"""French as the SQLite index knows it: accents off, lower case, French plural endings off, stop
words out, applied alike to the indexed text, to queries and to the words that rank a window."""

from __future__ import annotations

import re

from ...text import fold

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
