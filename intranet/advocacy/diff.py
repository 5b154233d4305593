"""A readable word-level difference between two texts: removed words in <del>, added in <ins>."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from markupsafe import Markup, escape

_TOKENS = re.compile(r"\s+|[\w’'-]+|[^\w\s]", re.UNICODE)


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall(text or "")


def word_diff(old: str, new: str) -> Markup:
    a, b = _tokens(old), _tokens(new)
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    out: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(str(escape("".join(a[i1:i2]))))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return Markup("".join(out))


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
