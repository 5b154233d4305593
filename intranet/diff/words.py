"""What changed between two plain texts, word by word: the pieces, and their escaped markup."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from markupsafe import Markup, escape

# Words keep their apostrophes and hyphens ("l’école", "peut-être"): a changed word reads whole.
_TOKEN = re.compile(r"\s+|[\w’'-]+|[^\w\s]")
# Past this many line pairs in one changed stretch, the lines are shown removed then added, not word by word.
_WORDS_WITHIN = 400


@dataclass(frozen=True)
class Piece:
    op: str  # "same", "added", "removed"
    text: str


def word_diff(old: str | None, new: str | None) -> list[Piece]:
    """Lines first (cheap on long bodies), then words inside the lines that changed."""
    a, b = (old or "").splitlines(keepends=True), (new or "").splitlines(keepends=True)
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(Piece("same", "".join(a[i1:i2])))
        elif tag == "replace" and (i2 - i1) * (j2 - j1) <= _WORDS_WITHIN:
            pieces.extend(_words("".join(a[i1:i2]), "".join(b[j1:j2])))
        else:
            if i2 > i1:
                pieces.append(Piece("removed", "".join(a[i1:i2])))
            if j2 > j1:
                pieces.append(Piece("added", "".join(b[j1:j2])))
    return _merge(pieces)


def _words(old: str, new: str) -> list[Piece]:
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(Piece("same", "".join(a[i1:i2])))
            continue
        if tag in ("replace", "delete"):
            pieces.append(Piece("removed", "".join(a[i1:i2])))
        if tag in ("replace", "insert"):
            pieces.append(Piece("added", "".join(b[j1:j2])))
    return pieces


def _merge(pieces: list[Piece]) -> list[Piece]:
    merged: list[Piece] = []
    for piece in pieces:
        if not piece.text:
            continue
        if merged and merged[-1].op == piece.op:
            merged[-1] = Piece(piece.op, merged[-1].text + piece.text)
        else:
            merged.append(piece)
    return merged


def changed(pieces: list[Piece]) -> bool:
    return any(p.op != "same" for p in pieces)


def list_diff(old: list | None, new: list | None) -> list[Piece]:
    """Items of a list (themes, sectors...): kept, removed, then added ones."""
    old, new = list(old or []), list(new or [])
    pieces = [Piece("same" if item in new else "removed", str(item)) for item in old]
    pieces += [Piece("added", str(item)) for item in new if item not in old]
    return pieces


def _mark(piece: Piece) -> str:
    text = escape(piece.text)
    if piece.op == "added":
        return f"<ins>{text}</ins>"
    if piece.op == "removed":
        return f"<del>{text}</del>"
    return str(text)


def pieces_html(pieces: list[Piece], separator: str = "") -> Markup:
    """The pieces escaped, removed ones in <del>, added ones in <ins> (text to show with its line breaks)."""
    return Markup(escape(separator).join(Markup(_mark(p)) for p in pieces))


def diff_html(old: str | None, new: str | None) -> Markup:
    """The word difference of two plain texts as escaped markup."""
    return pieces_html(word_diff(old, new))


def list_html(old: list | None, new: list | None) -> Markup:
    return pieces_html(list_diff(old, new), ", ")
