"""Differences between two versions of a text, shared by every feature that keeps versions.

- `field_diff(name, label, old, new, markdown=False, render=render_markdown) -> FieldDiff`: one
  labelled field of a comparison, as `templates/_diff.html`'s `diff_field(f)` shows it. With
  `markdown=True` the formatted texts are compared (`formatted_diff`), the source's words when the
  structure changed too much (`fallback`).
- `list_field(name, label, old_items, new_items) -> FieldDiff`: kept, removed and added items.
- Lower level: `word_diff(old, new) -> list[Piece]` (lines, then words), `changed(pieces)`,
  `list_diff(old, new)`; `diff_html(old, new)`, `pieces_html(pieces)`, `list_html(old, new)` give
  escaped markup with <del>/<ins>; `formatted_diff(old, new, render=...) -> TextDiff`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

from ..markdown import render_markdown
from .formatted import TextDiff, formatted_diff, text_diff
from .words import Piece, changed, diff_html, list_diff, list_html, pieces_html, word_diff

__all__ = [
    "FieldDiff",
    "Piece",
    "TextDiff",
    "changed",
    "diff_html",
    "field_diff",
    "formatted_diff",
    "list_diff",
    "list_field",
    "list_html",
    "pieces_html",
    "text_diff",
    "word_diff",
]


@dataclass(frozen=True)
class FieldDiff:
    name: str
    label: object
    changed: bool
    html: Markup
    kind: str = "text"  # "text" (source, line breaks kept), "formatted" (rendered blocks) or "list"
    fallback: bool = False  # formatted was asked for; the structure changed too much: the source's words


def field_diff(
    name: str,
    label: object,
    old: str | None,
    new: str | None,
    *,
    markdown: bool = False,
    render: Callable[[str | None], Markup] = render_markdown,
) -> FieldDiff:
    result = formatted_diff(old, new, render=render) if markdown else text_diff(old, new)
    kind = "formatted" if result.formatted else "text"
    return FieldDiff(name, label, result.changed, result.html, kind, result.fallback)


def list_field(name: str, label: object, old: list | None, new: list | None) -> FieldDiff:
    pieces = list_diff(old, new)
    return FieldDiff(name, label, changed(pieces), pieces_html(pieces, ", "), "list")
