"""What changed between two versions of an advocacy text, field by field (``intranet.diff``)."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from ..diff import diff_markup


def word_diff(old: str, new: str) -> Markup:
    """Removed words in <del>, added in <ins> (``intranet.diff``: lines first, then words)."""
    return diff_markup(old, new)


@dataclass(frozen=True)
class FieldDiff:
    name: str
    label: object
    changed: bool
    html: Markup


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
