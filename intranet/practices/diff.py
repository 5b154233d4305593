"""The revision and conflict pages' differences: the shared `intranet.diff` (names kept for callers)."""

from __future__ import annotations

from ..diff import Piece, changed, list_diff, word_diff

__all__ = ["Piece", "changed", "list_diff", "word_diff"]
