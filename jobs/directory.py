"""Directory jobs: asking the coordinators of stale profiles to confirm them (run by the scheduler)."""

from __future__ import annotations

from intranet.database import write_intent
from intranet.directory.services import staleness
from intranet.extensions import db


def remind_stale_profiles() -> int:
    """Periodic (jobs.scheduler.SCHEDULE): each stale profile's coordinators are asked once."""
    write_intent()
    count = staleness.remind_stale_profiles()
    db.session.commit()
    return count
