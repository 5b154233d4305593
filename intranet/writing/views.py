"""The live preview: the text of a Markdown field, rendered as its page renders it (an htmx fragment)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from ..guard.fields import PREVIEW_PARAM
from ..security import access
from .preview import LIVE_CHARACTERS, make_preview

bp = Blueprint("writing", __name__)

# The longest text a Markdown field takes (the fields' own limits are lower).
_MAX_TEXT = 50_000


@bp.route("/apercu", methods=["POST"])
@access("member")
def preview():
    name = request.form.get(PREVIEW_PARAM, "")[:100]
    text = request.form.get(name, "")[:_MAX_TEXT] if name and name != PREVIEW_PARAM else ""
    shown = make_preview(text, request.form.get("_render", "")[:50], limit=LIVE_CHARACTERS)
    return render_template("writing/_preview.html", preview=shown)
