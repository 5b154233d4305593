"""The library's pages, on one blueprint, display apart from management: ``library`` (finding,
reading, the print, the PDF, the history), ``editing`` (writing a practice), ``discussion``
(comments, helpful marks, my selection) and ``moderation`` (reports, withdrawal, the desk); the
themes are the network's (``intranet.themes``). ``common`` holds the blueprint and what the pages share."""

from __future__ import annotations

from . import discussion, editing, library, moderation  # noqa: F401  (registers the routes)
from .common import bp
from .moderation import desk_reports

__all__ = ["bp", "desk_reports"]
