"""The sensitive-text guard: every text that a person types and others can read goes through it.

Forms use ``GuardedForm`` with ``GuardedStringField`` / ``GuardedTextAreaField`` (``GuardedMarkdownField``
for Markdown: the editor with its preview); the template shows
the findings with ``_guard.html``'s ``guard_findings(form)``; the view calls ``record_confirmed``
after the object is flushed. Text from elsewhere goes through ``check_text``.
"""

from __future__ import annotations

from flask import Flask

from ..objects import register_object
from .detect import KIND_LABELS, Finding, in_context, scan
from .fields import (
    GuardedFileField,
    GuardedForm,
    GuardedMarkdownField,
    GuardedMultipleFileField,
    GuardedStringField,
    GuardedTextAreaField,
)
from .records import (
    check_text,
    confirmations_for,
    get_confirmation,
    kind_labels,
    mark_reviewed,
    open_confirmations,
    record_confirmed,
)

__all__ = [
    "KIND_LABELS",
    "Finding",
    "GuardedFileField",
    "GuardedForm",
    "GuardedMarkdownField",
    "GuardedMultipleFileField",
    "GuardedStringField",
    "GuardedTextAreaField",
    "check_text",
    "confirmations_for",
    "get_confirmation",
    "kind_labels",
    "mark_reviewed",
    "open_confirmations",
    "register_object",
    "in_context",
    "record_confirmed",
    "scan",
]


def init_app(app: Flask) -> None:
    from . import models  # noqa: F401
    from .names import init_app as init_names

    init_names(app)
    app.jinja_env.globals.setdefault("guard_in_context", in_context)
    app.jinja_env.globals.setdefault("guard_kind_labels", kind_labels)
