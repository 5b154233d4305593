"""Ranking a window: the same Python scoring on both engines, from the words of the title and
summary (``Practice.search_words``), the rarer words of the window weighing more."""

from __future__ import annotations

import math


def _hits(padded: str, term: str, prefix: bool) -> int:
    """How many words of ``padded`` (``_padded``) are ``term``, or start with it (``prefix``)."""
    return padded.count(" " + term if prefix else " " + term + " ")


def _padded(words_line: str) -> str:
    """« a b » -> « ␣a␣␣b␣ »: each word between two spaces of its own, so that ``str.count``
    finds every whole word (no space shared by two matches) at the speed of C."""
    return " " + "  ".join(words_line.split()) + " "


def _relevance(
    terms: list[str], title: str, title_length: int, summary: str, summary_length: int, idf: dict[str, float]
) -> float:
    """How well a practice answers the query: the words in its title count most, then in its
    summary (a match in the body alone counts only as a match). Saturating term frequency as in
    bm25; the last word is a prefix, as typed. ``title`` and ``summary`` are ``_padded``."""
    score = 0.0
    last = len(terms) - 1
    for index, term in enumerate(terms):
        for text, length, weight in ((title, title_length, 8.0), (summary, summary_length, 3.0)):
            hits = _hits(text, term, index == last)
            if hits:
                score += weight * idf.get(term, 1.0) * hits / (hits + 1.2) / (0.75 + 0.25 * length / 12)
    return score


def rank(terms: list[str], found) -> list[tuple[int, float]]:
    """(practice id, sort key: smaller is more relevant) of each row (id, search_words) found, in
    the order found."""
    texts: list[tuple[int, str, int, str, int]] = []
    for row in found:
        title, _, summary = (row.search_words or "").partition("\n")
        title_words, summary_words = title.split(), summary.split()
        texts.append((row.id, _padded(title), len(title_words), _padded(summary), len(summary_words)))
    # Rarer words (in this window) weigh more, as an inverse document frequency.
    idf = {}
    for index, term in enumerate(terms):
        prefix = index == len(terms) - 1
        df = sum(
            1
            for _id, title, _, summary, _ in texts
            if _hits(title, term, prefix) or _hits(summary, term, prefix)
        )
        idf[term] = math.log(1 + (len(texts) + 1) / (df + 0.5))
    return [
        (pid, -_relevance(terms, title, title_length, summary, summary_length, idf))
        for pid, title, title_length, summary, summary_length in texts
    ]
