"""The census's rules, split by concern: ``campaigns`` (questionnaire, opening, participation,
reminders, closing) and ``answers`` (an organization's figures and their checks). The results
are ``intranet.census.aggregates``; charts ``intranet.census.charts``; the PDF ``intranet.census.report``."""

from __future__ import annotations


class CensusError(Exception):
    """A refusal whose message (a lazy string) can be shown to the user."""
