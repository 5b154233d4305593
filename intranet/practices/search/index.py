"""Keeping the index in line with the practices: ``index_practice`` after every change of
content (once flushed), ``reindex_all`` after a migration or a restore. Only published practices
are in the index; any other state removes the practice from it."""

from __future__ import annotations

import sqlalchemy as sa

from ...extensions import db
from ..models import Practice, Status
from . import postgres, sqlite
from .french import normalized


def _extra_text(practice: Practice) -> str:
    parts = [t.name_fr + " " + t.name_en for t in practice.themes]
    parts.append(practice.audience or "")
    parts.append(practice.organization.name if practice.organization else "")
    if practice.region:
        parts.append(practice.region.name)
    return " ".join(parts)


def index_practice(practice: Practice) -> None:
    """Bring the index in line with the practice (call after every change, once flushed).

    Only published practices are in the index; any other state removes the practice from it.
    """
    published = practice.status == Status.PUBLISHED
    practice.search_words = (
        (normalized(practice.title) + "\n" + normalized(practice.summary)) if published else None
    )
    db.session.flush()
    if db.session.get_bind().dialect.name == "sqlite":
        sqlite.write_entry(practice, _extra_text(practice))
    else:
        postgres.write_vector(practice, _extra_text(practice))


def reindex_all() -> int:
    """Index every practice again (by batches); returns how many were published."""
    count = 0
    last = 0
    while True:
        batch = list(
            db.session.scalars(
                sa.select(Practice).where(Practice.id > last).order_by(Practice.id).limit(500)
            ).unique()
        )
        if not batch:
            return count
        for practice in batch:
            index_practice(practice)
            count += practice.status == Status.PUBLISHED
        last = batch[-1].id
        db.session.flush()


def optimize() -> None:
    """SQLite: merge the index into one segment, dropping what deleted entries left behind."""
    if db.session.get_bind().dialect.name == "sqlite":
        sqlite.optimize()
