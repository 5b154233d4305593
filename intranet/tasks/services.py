"""Submitting long tasks to RQ, after the database commit, and reading their state back."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask, current_app
from flask_sqlalchemy.session import Session as FlaskSession
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.worker import Worker

from ..accounts.models import User
from ..database import utcnow
from ..extensions import db
from ..queue import get_queue, get_redis
from .models import TaskRecord, TaskStatus

log = logging.getLogger(__name__)

_PENDING_KEY = "passerelle_after_commit_jobs"


def enqueue_after_commit(
    func: str, *args, queue: str = "default", job_id: str | None = None, **kwargs
) -> None:
    """Enqueue ``func(*args)`` once the current transaction has committed.

    Jobs take ids and primitives; enqueueing before the commit would let a worker look for a
    row that does not exist yet. If Redis is down, the rows stay pending and the periodic
    catch-up jobs enqueue them later, so nothing is lost.
    """
    db.session.info.setdefault(_PENDING_KEY, []).append((func, args, kwargs, queue, job_id))


@sa.event.listens_for(FlaskSession, "after_commit")
def _enqueue_pending(session) -> None:
    pending = session.info.pop(_PENDING_KEY, [])
    for func, args, kwargs, queue, job_id in pending:
        try:
            get_queue(queue).enqueue(func, *args, job_id=job_id, **kwargs)
        except Exception:  # Redis unreachable: the catch-up job re-enqueues from the database
            log.exception("could not enqueue %s; it will be picked up by the catch-up job", func)


@sa.event.listens_for(FlaskSession, "after_rollback")
def _forget_pending(session) -> None:
    session.info.pop(_PENDING_KEY, None)


def submit_task(
    *,
    kind: str,
    func: str,
    args: list,
    user: User | None,
    organization_id: int | None = None,
    queue: str = "default",
    cache_key: str | None = None,
) -> TaskRecord:
    """Record a task and enqueue it after commit. With ``cache_key``, reuse a task that is
    running or done for the same key instead of starting another one."""
    if cache_key:
        existing = db.session.scalar(
            sa.select(TaskRecord)
            .where(TaskRecord.cache_key == cache_key, TaskRecord.status != TaskStatus.FAILED)
            .order_by(TaskRecord.id.desc())
            .limit(1)
        )
        if existing is not None:
            return existing
    task = TaskRecord(
        kind=kind,
        func=func,
        args=list(args),
        queue=queue,
        user_id=user.id if user else None,
        organization_id=organization_id
        if organization_id is not None
        else (user.organization_id if user else None),
        cache_key=cache_key,
    )
    db.session.add(task)
    db.session.flush()
    enqueue_after_commit("jobs.runner.run_task", task.id, queue=queue, job_id=task.job_id)
    return task


# ``app.extensions[TASK_ACCESS]``: features whose tasks others may see (a brief anyone allowed to
# read the text may download): kind -> check(task, user). Registered in the feature's init_app.
TASK_ACCESS = "passerelle.task_access"


def register_task_access(app: Flask, kind: str, check: Callable[[TaskRecord, User], bool]) -> None:
    app.extensions.setdefault(TASK_ACCESS, {})[kind] = check


# ``app.extensions[TASK_GUARDS]``: checks every viewer must pass, the task's owner included: the
# object a result was made from may have become invisible to them since (a practice made private
# to its organization, or deleted).
TASK_GUARDS = "passerelle.task_guards"


def register_task_guard(app: Flask, kind: str, check: Callable[[TaskRecord, User], bool]) -> None:
    app.extensions.setdefault(TASK_GUARDS, {})[kind] = check


def can_see_task(task: TaskRecord, user: User) -> bool:
    guard = current_app.extensions.get(TASK_GUARDS, {}).get(task.kind)
    if guard is not None and not guard(task, user):
        return False
    if user.is_staff or (task.user_id is not None and task.user_id == user.id):
        return True
    check = current_app.extensions.get(TASK_ACCESS, {}).get(task.kind)
    return bool(check and check(task, user))


def retry_task(task: TaskRecord) -> TaskRecord:
    """Start a failed (or abandoned) task again under a new RQ job id."""
    refresh_status(task)
    if task.status != TaskStatus.FAILED:
        return task
    task.status = TaskStatus.QUEUED
    task.error = None
    task.progress = 0
    task.job_id = secrets.token_hex(16)
    task.started_at = task.finished_at = None
    db.session.flush()
    enqueue_after_commit("jobs.runner.run_task", task.id, queue=task.queue, job_id=task.job_id)
    return task


def _worker_alive(job: Job) -> bool:
    name = job.worker_name
    if not name:
        return False
    worker = Worker.find_by_key(Worker.redis_worker_namespace_prefix + name, connection=get_redis())
    if worker is None or worker.last_heartbeat is None:
        return False
    stale_after = current_app.config.get("TASK_STALE_AFTER", 120)
    return utcnow() - worker.last_heartbeat < timedelta(seconds=stale_after)


def job_state(task: TaskRecord) -> tuple[bool, int | None]:
    """Ask RQ (read only) about an unfinished task: (interrupted?, progress percent or None).

    A task is interrupted when its job failed or vanished while running, or when the worker
    running it stopped sending heartbeats (killed). The database row stays the truth for
    finished tasks.
    """
    if task.status not in (TaskStatus.QUEUED, TaskStatus.RUNNING):
        return False, None
    try:
        job = Job.fetch(task.job_id, connection=get_redis())
        status = job.get_status(refresh=True)
    except NoSuchJobError:
        job, status = None, None
    except Exception:  # Redis unreachable: nothing new to say, the page keeps polling
        log.warning("cannot reach Redis to refresh task %s", task.id)
        return False, None
    if job is None:
        # Never enqueued (Redis was down: the catch-up job enqueues it) or lost while running.
        return task.status == TaskStatus.RUNNING, None
    if status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
        return True, None
    if status == JobStatus.STARTED and not _worker_alive(job):
        return True, None
    progress = job.meta.get("progress") if job.meta else None
    return False, int(progress) if progress is not None else None


def mark_interrupted(task: TaskRecord) -> None:
    task.status = TaskStatus.FAILED
    task.error = task.error or "interrupted"
    task.finished_at = utcnow()
    db.session.flush()


def refresh_status(task: TaskRecord) -> TaskRecord:
    """Mark the task failed if its job was interrupted (for callers already in a write transaction)."""
    interrupted, progress = job_state(task)
    if interrupted:
        mark_interrupted(task)
    elif progress is not None:
        task.progress = progress
    return task


def requeue_orphans(older_than_seconds: int = 60) -> int:
    """Enqueue again the tasks recorded as queued whose RQ job does not exist (Redis was down)."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    count = 0
    tasks = db.session.scalars(
        sa.select(TaskRecord).where(TaskRecord.status == TaskStatus.QUEUED, TaskRecord.created_at < cutoff)
    ).all()
    for task in tasks:
        if not Job.exists(task.job_id, connection=get_redis()):
            get_queue(task.queue).enqueue("jobs.runner.run_task", task.id, job_id=task.job_id)
            count += 1
    return count
