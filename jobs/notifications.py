"""Digests and notifications: the scheduler plans, batches of members fan out to the workers.

``plan_digests`` runs every few minutes (``jobs.scheduler.SCHEDULE``). It asks who is due now and
not yet in the ledger, and enqueues one ``send_digest_batch`` job per batch of members on the
``digest`` queue, so one worker or many share a run. Planning twice is harmless: the ledger
decides who still needs a digest, and a batch already waiting in the queue is not added again.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime

from flask import current_app
from rq import Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from intranet.extensions import db
from intranet.notifications import digests, services
from intranet.queue import get_queue, get_redis

log = logging.getLogger(__name__)

RETRY_INTERVALS = [30, 120, 600]


def _waiting(job_id: str) -> bool:
    try:
        return Job.fetch(job_id, connection=get_redis()).get_status(refresh=True) in (
            JobStatus.QUEUED,
            JobStatus.SCHEDULED,
            JobStatus.DEFERRED,
        )
    except NoSuchJobError:
        return False


def plan_digests(now_iso: str | None = None) -> dict[str, int]:
    """Enqueue the batches of members due for a digest now. Returns members and batches planned."""
    now = datetime.fromisoformat(now_iso) if now_iso else None
    due = digests.due_members(now)
    db.session.rollback()
    queue = get_queue("digest")
    size = current_app.config["DIGEST_BATCH_SIZE"]
    planned = {"members": 0, "batches": 0, "already_queued": 0}
    for period_key, ids in due.items():
        for batch in digests.batches(ids, size):
            job_id = "digest-" + hashlib.sha256(f"{period_key}:{batch}".encode()).hexdigest()[:24]
            if _waiting(job_id):
                planned["already_queued"] += 1
                continue
            queue.enqueue(
                "jobs.notifications.send_digest_batch",
                period_key,
                batch,
                job_id=job_id,
                retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
            )
            planned["members"] += len(batch)
            planned["batches"] += 1
    if planned["batches"]:
        log.info("digests planned: %(members)s members in %(batches)s batches", planned)
    return planned


def send_digest_batch(period_key: str, user_ids: list[int]) -> dict[str, int]:
    """Digests of one batch of members for one period (safe to run twice: the ledger decides)."""
    return digests.send_batch(period_key, user_ids)


def prune_notifications() -> int:
    count = services.prune()
    db.session.commit()
    return count
