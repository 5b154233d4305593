"""Places in line on the waiting lists, for many registrations in one query."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from ..extensions import db
from .models import Registration, RegistrationStatus


def positions(registrations: Iterable[Registration]) -> dict[int, int]:
    """registration id -> its place in line (1 for the first), for those that wait; what
    ``services.position`` answers for one, without a query per registration."""
    waiting = [r for r in registrations if r.status == RegistrationStatus.WAITING]
    if not waiting:
        return {}
    place = (
        sa.func.row_number()
        .over(partition_by=Registration.session_id, order_by=(Registration.queued_at, Registration.id))
        .label("place")
    )
    ranked = (
        sa.select(Registration.id, place)
        .where(
            Registration.status == RegistrationStatus.WAITING,
            Registration.session_id.in_({r.session_id for r in waiting}),
        )
        .subquery()
    )
    wanted = [r.id for r in waiting]
    return dict(
        db.session.execute(sa.select(ranked.c.id, ranked.c.place).where(ranked.c.id.in_(wanted))).all()
    )
