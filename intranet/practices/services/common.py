"""What every part of the library's rules shares: its limits, the refusals, the data a form
hands over, and loading a practice."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from ...database import is_sqlite
from ...extensions import db
from ..models import Practice, Visibility

MAX_ATTACHMENTS = 10
PER_PAGE = 12  # a page of the library stays within 4 KB on the wire on a repeat visit (issue 16)
COUNT_CAP = 300  # counts stop here ("plus de 300"): see search.WINDOW


class PracticeError(Exception):
    """A rule refused the change; the message is for the person."""


class Conflict(Exception):
    """Someone saved the practice since this form was opened."""

    def __init__(self, practice: Practice) -> None:
        super().__init__("conflict")
        self.practice = practice


@dataclass
class PracticeData:
    title: str
    summary: str
    body: str = ""
    audience: str = ""
    region_id: int | None = None
    theme_ids: list[int] = field(default_factory=list)
    approaches: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    visibility: Visibility = Visibility.NETWORK


def get(practice_id: int) -> Practice | None:
    return db.session.get(Practice, practice_id)


def get_for_update(practice_id: int) -> Practice | None:
    """Load a practice holding its row lock (PostgreSQL; SQLite's POST already holds the write lock)."""
    query = sa.select(Practice).where(Practice.id == practice_id).execution_options(populate_existing=True)
    if not is_sqlite():
        query = query.with_for_update(of=Practice)
    return db.session.scalars(query).unique().one_or_none()
