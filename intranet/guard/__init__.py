"""The sensitive-text guard: every text that a person types and others can read goes through it.

Forms use ``GuardedForm`` with ``GuardedStringField`` / ``GuardedTextAreaField``; the template shows
the findings with ``_guard.html``'s ``guard_findings(form)``; the view calls ``record_confirmed``
after the object is flushed. Text from elsewhere goes through ``check_text``.
"""

from __future__ import annotations

from flask import Flask

from .detect import KIND_LABELS, Finding, in_context, scan
from .fields import GuardedForm, GuardedStringField, GuardedTextAreaField
from .records import check_text, record_confirmed

__all__ = [
    "KIND_LABELS",
    "Finding",
    "GuardedForm",
    "GuardedStringField",
    "GuardedTextAreaField",
    "check_text",
    "in_context",
    "record_confirmed",
    "scan",
]


def init_app(app: Flask) -> None:
    from . import models  # noqa: F401

    app.jinja_env.globals.setdefault("guard_in_context", in_context)
