"""A real worker process renders briefs; killed mid-render, it leaves a task that can be retried."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from intranet.advocacy import services
from intranet.tasks.models import TaskRecord, TaskStatus
from tests.support import wait_until

LONG_BODY = "\n\n".join(
    f"## Partie {i}\n\n"
    + "Les maisons de deuxième étape accompagnent les femmes et les enfants après la séparation. " * 25
    for i in range(1, 60)
)


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (the work horse, and the renderer it forks)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


@pytest.mark.committed
def test_a_worker_killed_during_a_render_leaves_a_task_that_can_be_retried(
    app, db, make_user, make_position, login_as, worker_process
):
    author = make_user("member")
    position = make_position(author, status="submitted", body=LONG_BODY)
    db.session.commit()
    client, _ = login_as(user=author)
    assert client.post(f"/plaidoyer/{position.id}/dossier").status_code == 303
    task = services.current_brief(position)
    task_id, public_id = task.id, task.public_id
    db.session.commit()

    def running() -> bool:
        status = db.session.get(TaskRecord, task_id).status
        db.session.rollback()  # a new snapshot each time (SQLite WAL readers keep theirs)
        return status == TaskStatus.RUNNING

    wait_until(running, timeout=30, what="the worker to start the render")
    # Kill the worker, its work horse and the renderer at once, as an OOM kill would.
    for pid in [worker_process.pid, *_descendants(worker_process.pid)]:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    worker_process.wait(timeout=10)

    wait_until(
        lambda: (
            "Réessayer"
            in client.get(f"/taches/{public_id}", headers={"HX-Request": "true"}).get_data(as_text=True)
        ),
        timeout=20,
        interval=0.5,
        what="the interrupted render to be shown as failed",
    )
    db.session.rollback()
    task = db.session.get(TaskRecord, task_id)
    assert task.status == TaskStatus.FAILED and task.result_path is None
    db.session.rollback()

    assert client.post(f"/taches/{public_id}/relancer").status_code == 303
    from rq import SimpleWorker

    from intranet.queue import get_redis
    from jobs.worker import AppJob

    SimpleWorker(["pdf"], connection=get_redis(app), job_class=AppJob).work(burst=True)
    db.session.rollback()
    task = db.session.get(TaskRecord, task_id)
    assert task.status == TaskStatus.DONE and task.attempts == 2
    data = (Path(app.instance_path) / task.result_path).read_bytes()
    assert data.startswith(b"%PDF") and b"%%EOF" in data[-1024:]
    assert not list((Path(app.instance_path) / "briefs").glob("*.part"))
