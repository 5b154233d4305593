"""Structured logs: one JSON object per line, with ids and never personal data or secrets.

Messages pass through ``redact`` (email addresses, long random strings such as tokens and
session ids, ``password=...`` pairs); only whitelisted extra fields are written, and the request
line names the endpoint, never the URL (a reset link carries its token in the path).
"""

from __future__ import annotations

import json
import logging
import re
import time

from flask import Flask, g, request
from flask_login import current_user

EXTRA_FIELDS = (
    "event",
    "actor_id",
    "organization_id",
    "target",
    "user_id",
    "endpoint",
    "method",
    "status",
    "duration_ms",
    "job_id",
    "queue",
    "task_id",
    "request_id",
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_SECRET_PAIR = re.compile(
    r"(?i)\b(password|passwd|mot[_ ]de[_ ]passe|token|secret|code|cookie|session)(\s*[=:]\s*)\S+"
)
_LONG_RANDOM = re.compile(r"[A-Za-z0-9_\-]{24,}")
_URL_PATH_TOKEN = re.compile(r"/(invitation|reinitialiser|agenda|desabonnement)/[^\s/?\"']+")


def redact(text: str) -> str:
    text = _URL_PATH_TOKEN.sub(lambda m: f"/{m.group(1)}/[redacted]", text)
    text = _SECRET_PAIR.sub(lambda m: f"{m.group(1)}{m.group(2)}[redacted]", text)
    text = _EMAIL.sub("[email]", text)
    return _LONG_RANDOM.sub("[redacted]", text)


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for name in EXTRA_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value if isinstance(value, int | float | bool) else redact(str(value))
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def json_handler(stream=None) -> logging.Handler:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter())
    return handler


def init_app(app: Flask) -> None:
    production = app.config["PASSERELLE_ENV"] == "production"
    app.config.setdefault("LOG_FORMAT", "json" if production else "text")
    app.config.setdefault("LOG_REQUESTS", production)
    if app.config["LOG_FORMAT"] == "json":
        handler = json_handler()
        app.logger.handlers[:] = [handler]
        app.logger.setLevel(logging.INFO)
        app.logger.propagate = False
        for name in ("passerelle", "intranet", "jobs", "rq.worker"):
            logger = logging.getLogger(name)
            logger.handlers[:] = [handler]
            logger.setLevel(logging.INFO)
            logger.propagate = False

    if logging.getLogger("passerelle").level == logging.NOTSET:
        logging.getLogger("passerelle").setLevel(logging.INFO)
    log = logging.getLogger("passerelle.request")

    @app.before_request
    def _start_clock():
        g._log_started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        if not app.config["LOG_REQUESTS"]:
            return response
        started = g.get("_log_started")
        log.info(
            "request",
            extra={
                "endpoint": request.endpoint or "-",
                "method": request.method,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
                "user_id": current_user.id if current_user and current_user.is_authenticated else None,
            },
        )
        return response
