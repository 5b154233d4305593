"""The job-status fragment (polled by htmx while the task runs) and the task's result."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, redirect, render_template, send_file, url_for
from flask_login import current_user
from sqlalchemy.orm.attributes import set_committed_value

from ..database import separate_write
from ..extensions import db
from ..security import access, found, require
from ..urls import wants_fragment
from . import services
from .models import TaskRecord, TaskStatus

bp = Blueprint("tasks", __name__, url_prefix="/taches")


def _load(public_id: str) -> TaskRecord:
    task = found(db.session.scalar(sa.select(TaskRecord).where(TaskRecord.public_id == public_id)))
    require(services.can_see_task(task, current_user))
    return task


@bp.route("/<public_id>")
@access("member")
def status(public_id: str):
    task = _load(public_id)
    if task.status in (TaskStatus.QUEUED, TaskStatus.RUNNING):
        interrupted, progress = services.job_state(task)
        if interrupted:
            # Record it in a write transaction of its own (this GET began a read transaction).
            with separate_write():
                task = _load(public_id)
                services.mark_interrupted(task)
        elif progress is not None:
            # Shown, not stored (the worker stores it at the end): set as if loaded, so this read
            # leaves nothing to write.
            set_committed_value(task, "progress", progress)
    if wants_fragment():
        return render_template("tasks/_status.html", task=task)
    return render_template("tasks/status.html", task=task)


@bp.route("/<public_id>/relancer", methods=["POST"])
@access("member")
def retry(public_id: str):
    task = _load(public_id)
    services.retry_task(task)
    db.session.commit()
    if wants_fragment():
        return render_template("tasks/_status.html", task=task)
    return redirect(url_for("tasks.status", public_id=task.public_id), code=303)


@bp.route("/<public_id>/fichier")
@access("member")
def download(public_id: str):
    task = _load(public_id)
    if task.status != TaskStatus.DONE or not task.result_path:
        abort(404)
    instance = Path(current_app.instance_path).resolve()
    path = (instance / task.result_path).resolve()
    if instance not in path.parents or not path.is_file():
        abort(404)
    return send_file(
        path,
        mimetype=task.result_mimetype or "application/octet-stream",
        as_attachment=True,
        download_name=task.result_name or path.name,
        max_age=0,
    )
