"""Periodic job (jobs/scheduler.py SCHEDULE): expire audit events past the retention time."""

from __future__ import annotations

from intranet.extensions import db

from .services import purge_expired, record


def purge_audit_log() -> int:
    count = purge_expired()
    if count:
        record("audit.purged", details={"count": count})
    db.session.commit()
    return count
