"""Housekeeping jobs run by the scheduler."""

from __future__ import annotations

from intranet.extensions import db
from intranet.tasks.services import requeue_orphans as _requeue


def requeue_orphans() -> int:
    count = _requeue()
    db.session.commit()
    return count
