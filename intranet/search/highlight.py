"""Matched words in ``<mark>``, safely: every character of the text is escaped, then the words that
matched are wrapped. Nothing of what people typed (in a title, a body or the query) is ever markup.

Matching is accent- and case-blind: the text is folded (``intranet.text.fold``) letter by letter,
keeping where each folded letter came from, so « Hébergement » is marked for « hebergement ».
A source says which words matched with a predicate on folded words (``prefix_matcher`` by
default: a word that begins with a word of the query); the practices' search passes its own,
built from what its full-text engine matched. PostgreSQL's ``ts_headline`` marks the text itself
between two control characters, turned into ``<mark>`` by ``from_markers``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from markupsafe import Markup, escape

from ..text import fold

START, STOP = "\x02", "\x03"
SNIPPET = 200
_WORD = re.compile(r"[0-9a-z]+")
_MARKDOWN = (
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links and images: their text
    (re.compile(r"<[^>]{0,200}>"), " "),  # tags written in Markdown
    (re.compile(r"(?m)^\s{0,3}(?:#{1,6}|>|[-*+]|\d+[.)])\s+"), ""),  # headings, quotes, list markers
    (re.compile(r"[*_`~|]{1,3}"), ""),  # emphasis, code, tables
    (re.compile(r"\s+"), " "),
)

Matcher = Callable[[str], bool]


def plain(text: str | None) -> str:
    """Markdown as one line of plain text (a snippet shows words, not syntax)."""
    text = (text or "").replace(START, "").replace(STOP, "")
    for pattern, replacement in _MARKDOWN:
        text = pattern.sub(replacement, text)
    return text.strip()


def prefix_matcher(words: Iterable[str]) -> Matcher:
    """A folded word matches when it begins with one of ``words`` (folded query words)."""
    wanted = tuple(w for w in words if w)
    return lambda word: bool(wanted) and word.startswith(wanted)


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    return fold(ch)


def _folded(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the index of the one it came from."""
    if text.isascii():
        return text.lower(), list(range(len(text)))
    # Nearly always each letter folds into one (é -> e): a translation keeps every place.
    table = {ord(ch): _fold_char(ch) for ch in set(text) if not ch.isascii()}
    if all(len(f) == 1 for f in table.values()):
        folded = text.translate(table).lower()
        if len(folded) == len(text):
            return folded, list(range(len(text)))
    out: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        folded = ch.lower() if ch.isascii() else _fold_char(ch)
        out.append(folded)
        origin.extend([index] * len(folded))
    return "".join(out), origin


def _spans(text: str, matches: Matcher) -> list[tuple[int, int]]:
    """(start, end) in ``text`` of each word that matches."""
    folded, origin = _folded(text)
    spans = []
    for found in _WORD.finditer(folded):
        if matches(found.group()):
            spans.append((origin[found.start()], origin[found.end() - 1] + 1))
    return spans


def _marked(text: str, spans: list[tuple[int, int]]) -> Markup:
    parts: list[str] = []
    last = 0
    for start, end in spans:
        parts.append(str(escape(text[last:start])))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    parts.append(str(escape(text[last:])))
    return Markup("".join(parts))


def mark(text: str | None, matches: Matcher) -> Markup:
    """``text`` escaped, with every matching word in ``<mark>``."""
    text = text or ""
    return _marked(text, _spans(text, matches))


def snippet(text: str | None, matches: Matcher, length: int = SNIPPET) -> Markup:
    """About ``length`` characters of ``text`` (plain: no Markdown) around the most matches,
    cut between words, with « … » where it was cut, the matches marked."""
    text = plain(text)
    if not text:
        return Markup()
    spans = _spans(text, matches)
    if len(text) <= length:
        return _marked(text, spans)
    start = 0
    if spans:
        best = -1
        for anchor, _end in spans:
            begin = max(0, anchor - length // 5)
            count = sum(1 for s, e in spans if s >= begin and e <= begin + length)
            if count > best:
                best, start = count, begin
    end = min(len(text), start + length)
    if start > 0:
        space = text.find(" ", start, start + length // 5)
        start = space + 1 if space >= 0 else start
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    inside = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
    body = _marked(text[start:end], inside)
    return Markup("… " if start > 0 else "") + body + Markup(" …" if end < len(text) else "")


def from_markers(text: str | None, *, markdown: bool = True) -> Markup:
    """Text where a search engine put ``START``/``STOP`` around matches (PostgreSQL's
    ``ts_headline``): escaped, the marked words in ``<mark>``; Markdown left out unless
    ``markdown=False`` (a title: shown as typed)."""
    text = text or ""
    for pattern, replacement in _MARKDOWN if markdown else ():
        text = pattern.sub(replacement, text)
    parts: list[str] = []
    for piece in re.split(f"({START}[^{STOP}]*{STOP})", text.strip()):
        if piece.startswith(START):
            inner = piece.strip(START + STOP)
            parts.append(f"<mark>{escape(inner)}</mark>" if inner else "")
        else:
            parts.append(str(escape(piece.replace(START, "").replace(STOP, ""))))
    return Markup("".join(parts))
