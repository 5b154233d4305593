"""The worker: ``python -m jobs.worker`` (or ``rq worker -w jobs.worker.AppWorker ...``).

Jobs run inside the app context, pushed by the job class, never by creating an app at import
time. The parent process creates the app and, for the queues it serves, imports WeasyPrint
(pdf) and loads the email templates, catalogues and date formats (email, digest) once; each
forked work horse inherits them, so a job does not pay for them (most of a second for WeasyPrint,
a tenth for the languages) every time.
"""

from __future__ import annotations

import logging
import sys

from rq import Worker
from rq.job import Job

from intranet.database import read_intent
from intranet.extensions import db
from intranet.mail.services import warm_up as warm_up_email
from intranet.ops.memory import freeze_loaded
from intranet.pdf import warm_up
from intranet.queue import QUEUES, get_redis

from .context import JobLogFilter, fresh_connections_after_fork, get_app


class AppJob(Job):
    def perform(self):
        fresh_connections_after_fork()
        app = get_app()
        with app.app_context():
            read_intent()
            try:
                return super().perform()
            finally:
                db.session.remove()
                read_intent()


class AppWorker(Worker):
    job_class = AppJob

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("job_class", AppJob)
        super().__init__(*args, **kwargs)


def preload(queues=QUEUES) -> None:
    app = get_app()
    if "pdf" in queues:
        import weasyprint  # noqa: F401  # lazy: pdf queue only; paid once here, shared by each horse

        warm_up()  # fonts, hyphenation dictionaries, UA stylesheet: loaded once, inherited by each horse
    if {"email", "digest"} & set(queues):
        with app.app_context():
            warm_up_email()  # email templates, catalogues, date formats: once, not once per job


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    with_scheduler = "--no-scheduler" not in argv
    burst = "--burst" in argv
    queues = [a for a in argv if not a.startswith("--")] or list(QUEUES)
    preload(queues)
    # Loaded once and inherited by each job's horse: out of the collector's walks in both.
    freeze_loaded()
    app = get_app()
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [job %(job_id)s] %(name)s %(message)s"))
    handler.addFilter(JobLogFilter())
    logging.getLogger("intranet").addHandler(handler)
    logging.getLogger("jobs").addHandler(handler)
    with app.app_context():
        connection = get_redis()
    # The parent sends a heartbeat every monitoring interval while a job runs; a task whose
    # worker misses heartbeats for TASK_STALE_AFTER seconds is shown as interrupted.
    interval = int(app.config.get("WORKER_MONITORING_INTERVAL", 30))
    worker = AppWorker(queues, connection=connection, job_monitoring_interval=interval)
    worker.work(with_scheduler=with_scheduler, burst=burst, logging_level="INFO")


if __name__ == "__main__":
    main()
