"""Differences between versions of a text, field by field (the shared `intranet.diff` does the words)."""

from __future__ import annotations

from ..diff import FieldDiff
from ..diff import diff_html as word_diff

__all__ = ["FieldDiff", "compare", "word_diff"]


def compare(old, new, labels: dict[str, object]) -> list[FieldDiff]:
    """Compare two versions (or a version and the working copy) field by field."""
    fields = []
    for name, label in labels.items():
        before, after = getattr(old, name), getattr(new, name)
        if name == "demands":
            before = "\n".join(f"{i}. {d}" for i, d in enumerate(before or [], 1))
            after = "\n".join(f"{i}. {d}" for i, d in enumerate(after or [], 1))
        before, after = str(before or ""), str(after or "")
        fields.append(FieldDiff(name, label, before != after, word_diff(before, after)))
    return fields
