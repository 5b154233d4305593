"""Trainings' pages, on one blueprint, display apart from management (as Indico splits them):
``catalogue`` (the list, the month, a session's page), ``booking`` (registering, cancelling, the
invitation), ``mine`` (my trainings, the calendar feed, evaluations, certificates) for members;
``manage`` (trainings, sessions, cancelling a session) and ``participants`` (participants,
attendance, the CSV, certificates, the staff desk) for staff. ``common`` holds the blueprint and
what the pages share. The queries are in ``..services``."""

from __future__ import annotations

from . import booking, catalogue, manage, mine, participants  # noqa: F401  (registers the routes)
from .common import bp
from .participants import desk_sessions

__all__ = ["bp", "desk_sessions"]
