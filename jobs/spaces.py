"""Spaces' periodic work: reminders of proposals that close within a day."""

from __future__ import annotations

from intranet.database import write_intent
from intranet.extensions import db
from intranet.spaces import decisions


def send_proposal_reminders() -> int:
    """Periodic (jobs.scheduler.SCHEDULE): remind who has not answered, once per proposal."""
    write_intent()
    count = decisions.send_reminders()
    db.session.commit()
    return count
