"""Differences between two versions of a text, shared by every feature that keeps versions.

- `word_diff(old, new) -> list[Piece]` (lines, then words), `changed(pieces)`, `list_diff(old, new)`;
- `diff_html(old, new)`, `pieces_html(pieces)`, `list_html(old, new)`: escaped markup with <del>/<ins>;
- `FieldDiff`: one labelled field of a comparison, as the templates show it.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from .words import Piece, changed, diff_html, list_diff, list_html, pieces_html, word_diff

__all__ = [
    "FieldDiff",
    "Piece",
    "changed",
    "diff_html",
    "list_diff",
    "list_html",
    "pieces_html",
    "word_diff",
]


@dataclass(frozen=True)
class FieldDiff:
    name: str
    label: object
    changed: bool
    html: Markup
