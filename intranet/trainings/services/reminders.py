"""The reminder two days before a session, sent exactly once to each confirmed participant."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from ...database import is_sqlite, utcnow, write_intent
from ...extensions import db
from ..models import Registration, TrainingSession
from .common import CONFIRMED
from .emails import _email

#: How long before a session its reminder is sent.
REMINDER_BEFORE = timedelta(days=2)


def send_due_reminders(*, now: datetime | None = None, limit: int = 2000) -> int:
    """Email confirmed participants whose session starts within two days, exactly once each.

    The rows are claimed (``reminder_sent_at``) in the same transaction that writes the emails
    to the outbox, under the write lock (SQLite) or row locks skipping rows another scheduler
    run holds (PostgreSQL). People who got their seat within the two days are not reminded: their
    confirmation came moments ago.
    """
    now = now or utcnow()
    write_intent()
    query = (
        sa.select(Registration)
        .join(TrainingSession, TrainingSession.id == Registration.session_id)
        .where(
            Registration.status == CONFIRMED,
            Registration.reminder_sent_at.is_(None),
            TrainingSession.cancelled_at.is_(None),
            TrainingSession.starts_at > now,
            TrainingSession.starts_at <= now + REMINDER_BEFORE,
        )
        .order_by(Registration.id)
        .limit(limit)
    )
    if not is_sqlite():
        query = query.with_for_update(of=Registration, skip_locked=True)
    # Portable date arithmetic: the "booked before the window" test is done here, not in SQL.
    due = [
        r
        for r in db.session.scalars(query).all()
        if r.confirmed_at is not None and r.confirmed_at <= r.session.starts_at - REMINDER_BEFORE
    ]
    for registration in due:
        registration.reminder_sent_at = now
        _email(
            registration,
            kind="training_reminder",
            template="trainings_reminder",
            with_ics=True,
        )
    db.session.flush()
    return len(due)
