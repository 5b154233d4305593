"""Long tasks: queued -> running -> done/failed, shown by a polling fragment, retried, robust to a
killed worker."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from intranet.accounts.models import Region
from intranet.tasks.models import TaskRecord, TaskStatus
from intranet.tasks.services import submit_task
from tests.support import wait_until


def test_export_task_runs_on_a_worker_and_only_its_owner_downloads_it(app, db, login_as, make_org, run_jobs):
    make_org(name="Maison du Fjord", region="Saguenay–Lac-Saint-Jean", town="Saguenay")
    client, staff = login_as("staff")
    response = client.post("/gestion/repertoire.csv")
    assert response.status_code == 303
    status_url = response.headers["Location"]
    queued = client.get(status_url, headers={"HX-Request": "true"})
    body = queued.get_data(as_text=True)
    assert "<html" not in body and 'hx-trigger="load delay:700ms"' in body and "En attente" in body

    assert run_jobs() == 1
    done = client.get(status_url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "hx-trigger" not in done  # polling stops once finished
    download = client.get(status_url + "/fichier")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "Maison du Fjord" in download.get_data().decode("utf-8-sig")

    # Another staff member may look; a member of an organization may not even learn it exists.
    other_staff, _ = login_as("staff")
    assert other_staff.get(status_url).status_code == 200
    member, _ = login_as("member")
    assert member.get(status_url).status_code == 404
    assert member.get(status_url + "/fichier").status_code == 404


def test_a_failed_task_shows_its_error_to_staff_and_can_be_retried(app, db, login_as, run_jobs, make_user):
    member = make_user("member")
    task = submit_task(kind="test", func="tests.jobs_for_tests.failing", args=[], user=member)
    db.session.commit()
    run_jobs()
    db.session.refresh(task)
    assert task.status == TaskStatus.FAILED and "gabarit" in task.error

    client, _ = login_as(user=member)
    page = client.get(f"/taches/{task.public_id}").get_data(as_text=True)
    assert "La préparation a échoué." in page and "gabarit" not in page  # details are for staff
    staff_client, _ = login_as("staff")
    assert "gabarit" in staff_client.get(f"/taches/{task.public_id}").get_data(as_text=True)

    task.func = "tests.jobs_for_tests.write_file"
    task.args = ["bonjour"]
    db.session.commit()
    old_job = task.job_id
    retried = client.post(f"/taches/{task.public_id}/relancer", headers={"HX-Request": "true"})
    assert retried.status_code == 200 and "En attente" in retried.get_data(as_text=True)
    db.session.refresh(task)
    assert task.job_id != old_job and task.status == TaskStatus.QUEUED
    run_jobs()
    db.session.refresh(task)
    assert task.status == TaskStatus.DONE and task.attempts == 2


def test_enqueueing_waits_for_the_commit(app, db, make_user):
    from rq import Queue

    from intranet.queue import get_redis

    member = make_user("member")
    db.session.commit()
    submit_task(kind="test", func="tests.jobs_for_tests.write_file", args=["x"], user=member)
    queue = Queue("default", connection=get_redis(app))
    assert queue.count == 0
    db.session.rollback()
    assert queue.count == 0  # rolled back: never enqueued
    submit_task(kind="test", func="tests.jobs_for_tests.write_file", args=["x"], user=member)
    db.session.commit()
    assert queue.count == 1


@pytest.mark.committed
def test_a_worker_killed_mid_task_leaves_nothing_half_done_and_the_task_can_be_retried(
    app, db, login_as, make_user, worker_process
):
    from intranet.tasks.services import job_state

    member = make_user("member")
    task = submit_task(
        kind="test", func="tests.jobs_for_tests.slow_regions", args=["Tuée", 6, 0.5], user=member
    )
    db.session.commit()
    task_id, public_id = task.id, task.public_id

    # Wait until the job has written some rows (uncommitted) and reported progress.
    def started() -> bool:
        db.session.rollback()  # end the read transaction: see what the worker committed
        current = db.session.get(TaskRecord, task_id)
        return current.status == TaskStatus.RUNNING and (job_state(current)[1] or 0) >= 30

    wait_until(started, timeout=30, interval=0.1, what="the worker to start the task")
    # Kill the worker and its work horse at once, as a crash or an OOM kill would. Only this test's
    # processes: other tests running in parallel have workers of their own.
    import psutil

    victims = [
        psutil.Process(worker_process.pid),
        *psutil.Process(worker_process.pid).children(recursive=True),
    ]
    for proc in victims:
        proc.kill()
    worker_process.wait(timeout=10)

    db.session.rollback()  # end the read transaction: see what the worker committed
    assert db.session.scalar(sa.select(sa.func.count(Region.id)).where(Region.name.like("Tuée%"))) == 0
    # Once its heartbeat is stale (TASK_STALE_AFTER), the page says it failed and offers a retry.
    client, _ = login_as(user=member)
    wait_until(
        lambda: (
            "Réessayer"
            in client.get(f"/taches/{public_id}", headers={"HX-Request": "true"}).get_data(as_text=True)
        ),
        timeout=20,
        interval=0.5,
        what="the interrupted task to be shown as failed",
    )
    assert client.post(f"/taches/{public_id}/relancer").status_code == 303

    from rq import SimpleWorker

    from intranet.queue import get_redis
    from jobs.worker import AppJob

    SimpleWorker(["default"], connection=get_redis(app), job_class=AppJob).work(burst=True)
    db.session.rollback()  # end the read transaction: see what the worker committed
    final = db.session.get(TaskRecord, task_id)
    assert final.status == TaskStatus.DONE, (final.status, final.error, final.job_id)
    assert db.session.scalar(sa.select(sa.func.count(Region.id)).where(Region.name.like("Tuée%"))) == 6


def test_the_administrator_sees_failed_jobs_and_requeues_them(app, db, login_as, run_jobs, make_user):
    from rq.registry import FailedJobRegistry

    from intranet.queue import get_queue

    member = make_user("member")
    submit_task(kind="test", func="tests.jobs_for_tests.failing", args=[], user=member)
    db.session.commit()
    run_jobs()
    registry = FailedJobRegistry(queue=get_queue("default"))
    [job_id] = registry.get_job_ids()
    admin, _ = login_as("admin")
    page = admin.get("/gestion/taches").get_data(as_text=True)
    assert "jobs.runner.run_task" in page and "gabarit" in page and "Relancer" in page
    staff, _ = login_as("staff")
    assert staff.get("/gestion/taches").status_code == 403
    assert admin.post(f"/gestion/taches/default/{job_id}/relancer").status_code == 303
    assert job_id not in FailedJobRegistry(queue=get_queue("default")).get_job_ids()
    assert get_queue("default").count == 1
