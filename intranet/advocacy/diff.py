"""Differences between versions of a text, field by field (the shared `intranet.diff` does the work)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from markupsafe import Markup

from ..diff import FieldDiff, field_diff
from ..diff import diff_html as word_diff
from ..markdown import render_markdown

__all__ = ["FieldDiff", "compare", "word_diff"]

# Fields written in Markdown: compared as the reader sees them.
MARKDOWN_FIELDS = {"summary", "body"}


def compare(
    old, new, labels: Mapping[str, object], *, render: Callable[[str | None], Markup] = render_markdown
) -> list[FieldDiff]:
    """Compare two versions (or a version and the working copy) field by field."""
    fields = []
    for name, label in labels.items():
        before, after = getattr(old, name), getattr(new, name)
        if name == "demands":
            before = "\n".join(f"{i}. {d}" for i, d in enumerate(before or [], 1))
            after = "\n".join(f"{i}. {d}" for i, d in enumerate(after or [], 1))
        before, after = str(before or ""), str(after or "")
        fields.append(field_diff(name, label, before, after, markdown=name in MARKDOWN_FIELDS, render=render))
    return fields
