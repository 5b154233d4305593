"""RQ's own cron scheduler: ``python -m jobs.scheduler``. Features add their periodic jobs here."""

from __future__ import annotations

import importlib

from rq.cron import CronScheduler

from intranet.queue import get_redis

from .context import get_app

# (function path, queue, interval seconds or None, cron expression or None)
SCHEDULE: list[tuple[str, str, int | None, str | None]] = [
    ("jobs.email.flush_outbox", "email", 60, None),
    ("jobs.maintenance.requeue_orphans", "default", 120, None),
    ("jobs.notifications.plan_digests", "digest", 900, None),
    ("jobs.notifications.prune_notifications", "default", None, "17 8 * * *"),
    ("jobs.trainings.send_due_reminders", "email", 900, None),
    ("jobs.spaces.send_proposal_reminders", "default", 900, None),
    ("jobs.spaces.send_meeting_reminders", "default", 900, None),
    ("jobs.directory.remind_stale_profiles", "email", None, "23 9 * * *"),
    ("intranet.audit.jobs.purge_audit_log", "default", None, "41 3 * * *"),
    ("jobs.spaces.send_protocol_reminders", "default", None, "37 8 * * *"),
]


def build(connection) -> CronScheduler:
    scheduler = CronScheduler(connection=connection)
    for path, queue, interval, cron in SCHEDULE:
        module, _, name = path.rpartition(".")
        func = getattr(importlib.import_module(module), name)
        scheduler.register(func, queue, interval=interval, cron=cron, job_timeout=600)
    return scheduler


def main() -> None:
    app = get_app()
    with app.app_context():
        connection = get_redis()
    build(connection).start()


if __name__ == "__main__":
    main()
