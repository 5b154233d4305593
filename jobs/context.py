"""The app a worker process runs jobs in, created on first use (never at import time)."""

from __future__ import annotations

import logging
import os

from flask import Flask
from rq import get_current_job

from intranet import create_app
from intranet.extensions import db

_app: Flask | None = None
_pid: int | None = None


def get_app() -> Flask:
    global _app
    if _app is None:
        _app = create_app()
    return _app


def set_app(app: Flask) -> None:
    global _app
    _app = app


def fresh_connections_after_fork() -> None:
    """A forked work horse must not share the parent's database connections."""
    global _pid
    if _pid != os.getpid():
        with get_app().app_context():
            db.engine.dispose(close=False)
        _pid = os.getpid()


class JobLogFilter(logging.Filter):
    """Stamps each log record with the RQ job id, so a worker's log reads job by job."""

    def filter(self, record: logging.LogRecord) -> bool:
        job = get_current_job()
        record.job_id = job.id if job else "-"
        return True
