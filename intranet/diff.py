"""What changed between two texts, word by word: practices' revisions and conflicts, advocacy
versions, protocols of a space. ``word_diff`` gives pieces (a template shows them as it likes);
``as_markup`` gives escaped HTML with removed words in <del> and added ones in <ins>."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from markupsafe import Markup, escape

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


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
        elif tag == "replace" and (i2 - i1) * (j2 - j1) <= 400:
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
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
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
        if merged and merged[-1].op == piece.op:
            merged[-1] = Piece(piece.op, merged[-1].text + piece.text)
        else:
            merged.append(piece)
    return merged


def changed(pieces: list[Piece]) -> bool:
    return any(p.op != "same" for p in pieces)


def list_diff(old: list | None, new: list | None) -> list[Piece]:
    old, new = list(old or []), list(new or [])
    pieces = [Piece("same" if item in new else "removed", str(item)) for item in old]
    pieces += [Piece("added", str(item)) for item in new if item not in old]
    return pieces


def as_markup(pieces: list[Piece]) -> Markup:
    tags = {"removed": "del", "added": "ins"}
    out = []
    for piece in pieces:
        text = str(escape(piece.text))
        out.append(f"<{tags[piece.op]}>{text}</{tags[piece.op]}>" if piece.op in tags else text)
    return Markup("".join(out))


def diff_markup(old: str | None, new: str | None) -> Markup:
    """The word-level difference of two texts as HTML."""
    return as_markup(word_diff(old, new))
