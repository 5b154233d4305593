"""Runs a recorded task (see intranet.tasks) and keeps its row up to date.

The task's function does its work and returns where its result file is; the row moves from
queued to running to done or failed in short transactions of its own, so a worker that dies
leaves a row that ``refresh_status`` marks failed and that can be retried.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

from flask import current_app
from rq import get_current_job

from intranet.database import utcnow, write_intent
from intranet.extensions import db
from intranet.tasks.models import TaskRecord, TaskStatus

log = logging.getLogger(__name__)


def set_progress(task_id: int, percent: int) -> None:
    """Report progress through the RQ job's meta (in Redis), never through the job's own
    database transaction, which must stay all-or-nothing."""
    job = get_current_job()
    if job is not None:
        job.meta["progress"] = max(0, min(100, int(percent)))
        job.save_meta()


def _discard(relative: str) -> None:
    instance = Path(current_app.instance_path).resolve()
    path = (instance / relative).resolve()
    if instance in path.parents:
        path.unlink(missing_ok=True)


def run_task(task_id: int) -> str:
    write_intent()
    task = db.session.get(TaskRecord, task_id)
    if task is None:
        db.session.rollback()
        return "missing"
    if task.status == TaskStatus.DONE:
        db.session.rollback()
        return "already done"
    task.status = TaskStatus.RUNNING
    task.started_at = utcnow()
    task.attempts += 1
    func_path, args = task.func, list(task.args or [])
    db.session.commit()

    module, _, name = func_path.rpartition(".")
    func = getattr(importlib.import_module(module), name)
    try:
        result = func(*args, task_id=task_id)
    except Exception as exc:
        db.session.rollback()
        write_intent()
        task = db.session.get(TaskRecord, task_id)
        if task is None:  # forgotten while it ran (see below): nothing to mark failed
            raise
        task.status = TaskStatus.FAILED
        task.error = f"{type(exc).__name__}: {exc}"[:1000]
        task.finished_at = utcnow()
        db.session.commit()
        log.exception("task %s (%s) failed", task_id, func_path)
        raise
    write_intent()
    task = db.session.get(TaskRecord, task_id)
    if task is None:
        # Forgotten while it ran (a redaction of the text it was made from): its file goes too.
        db.session.rollback()
        if result and result.get("path"):
            _discard(result["path"])
        return "forgotten"
    task.status = TaskStatus.DONE
    task.progress = 100
    task.finished_at = utcnow()
    if result:
        task.result_path = result.get("path")
        task.result_name = result.get("name")
        task.result_mimetype = result.get("mimetype")
    db.session.commit()
    return "done"
