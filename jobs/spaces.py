"""Spaces' periodic work: reminders of proposals that close within a day, and of meetings the day before."""

from __future__ import annotations

from intranet.database import write_intent
from intranet.extensions import db
from intranet.spaces import decisions
from intranet.spaces.meetings import feeds


def send_proposal_reminders() -> int:
    """Periodic (jobs.scheduler.SCHEDULE): remind who has not answered, once per proposal."""
    write_intent()
    count = decisions.send_reminders()
    db.session.commit()
    return count


def send_meeting_reminders() -> int:
    """Periodic (jobs.scheduler.SCHEDULE): the day before a meeting, tell the registered
    organizations' people, once per meeting."""
    write_intent()
    count = feeds.send_reminders()
    db.session.commit()
    return count
