"""Advocacy pages: thin views that parse, authorize (policy), call services, commit once, render.

One blueprint, display apart from the rest: ``display`` (the advocacy home, the library, a text,
a version, comparing), ``drafting`` (a new text, editing, the workflow's steps, archiving),
``cosigning`` and ``documents`` (the PDF brief, attachments). ``common`` holds the blueprint and
what the pages share (``today``, ``member_markdown``)."""

from __future__ import annotations

from . import cosigning, display, documents, drafting  # noqa: F401  (registers the routes)
from .common import bp, member_markdown, today

__all__ = ["bp", "member_markdown", "today"]
