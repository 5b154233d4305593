"""What the preview shows: the text as its page renders it, and what the guard would ask about."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request
from markupsafe import Markup

from ..guard import in_context, scan
from ..guard.fields import PREVIEW_PARAM
from ..markdown import renderer

# The live preview renders this much of the text (cut at a paragraph), so that its answer stays
# within the fragment budget; the button shows the whole text.
LIVE_CHARACTERS = 5000
# At most this many of the guard's findings are listed under the preview.
FINDINGS_SHOWN = 5


@dataclass(frozen=True)
class Preview:
    html: Markup
    findings: list[tuple[str, str, str, object]]  # before, found, after, label
    more_findings: int
    cut: bool


def _cut(text: str, limit: int) -> tuple[str, bool]:
    if len(text) <= limit:
        return text, False
    head = text[:limit]
    at = head.rfind("\n\n")
    return (head[:at] if at > limit // 2 else head.rsplit(" ", 1)[0]), True


def make_preview(
    text: str | None, render_name: str | None, *, expect: tuple[str, ...] = (), limit: int | None = None
) -> Preview:
    text = text or ""
    shown, cut = _cut(text, limit) if limit else (text, False)
    findings = [f for f in scan(text) if f.kind not in expect]
    listed = [(*in_context(text, f), f.label) for f in findings[:FINDINGS_SHOWN]]
    return Preview(renderer(render_name)(shown), listed, len(findings) - len(listed), cut)


def preview_of(field) -> Preview | None:
    """The preview a page asked for with the button, for this field of the form shown again."""
    if request.method != "POST" or request.form.get(PREVIEW_PARAM) != field.name:
        return None
    return make_preview(field.data, getattr(field, "renderer", None), expect=getattr(field, "expect", ()))
