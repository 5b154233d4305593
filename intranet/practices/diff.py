"""What changed between two revisions of a practice: the foundation's word-level difference."""

from __future__ import annotations

from ..diff import Piece, changed, list_diff, word_diff

__all__ = ["Piece", "changed", "list_diff", "word_diff"]
