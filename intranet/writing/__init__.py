"""Writing in Markdown: one editor for every Markdown field, its preview and its formatting help.

A field is written in Markdown when the form declares it a ``GuardedMarkdownField``
(``intranet.guard``); ``_forms.html``'s ``field(f)`` then shows the editor (``writing/_editor.html``):
the text area, a "Prévisualiser" button, a short formatting help, and the preview region beside it.

- Without script, the button submits the form with ``_preview=<field name>``:
  ``GuardedForm.validate_on_submit`` answers False (nothing is saved, nothing is checked), the view
  shows the form again as typed, as it does for invalid input, and the region shows the text as
  the field's renderer makes it (``preview_of(field)``); the answer is 200, not 422.
- With htmx, the text area (and the button) post the text to ``writing.preview`` as one types;
  the answer is the same partial (``writing/_preview.html``), within the fragment budget.

The preview also lists what the guard would ask about (cheap: a few milliseconds per page of text).
"""

from __future__ import annotations

from flask import Flask, Response, request

from ..guard.fields import PREVIEW_PARAM


def _previews_are_not_errors(response: Response) -> Response:
    # The views answer a form they show again with 422; a preview is what was asked for.
    if response.status_code == 422 and request.method == "POST" and request.form.get(PREVIEW_PARAM):
        response.status_code = 200
    return response


def init_app(app: Flask) -> None:
    from .preview import preview_of
    from .views import bp

    app.register_blueprint(bp)
    app.after_request(_previews_are_not_errors)
    app.jinja_env.globals["markdown_preview"] = preview_of
    app.jinja_env.globals["preview_param"] = PREVIEW_PARAM
