"""Structured logs: JSON lines with ids, never an email, a token, a password or a reset link."""

from __future__ import annotations

import io
import json
import logging

from intranet.ops.logs import JSONFormatter, redact


def test_redaction():
    text = redact(
        "reset for personne@essai.example at /reinitialiser/IjEyMyI.abc.def?x=1 password=hunter2 "
        "session sid=Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4 token: abcdefghijklmnopqrstuvwxyz012345"
    )
    assert "personne@essai.example" not in text and "[email]" in text
    assert "IjEyMyI" not in text and "/reinitialiser/[redacted]" in text
    assert "hunter2" not in text and "Zm9vYmFyYmF6" not in text and "abcdefghijklmnop" not in text
    assert redact("GET intranet.accounts.views 200") == "GET intranet.accounts.views 200"


def test_lines_are_json_with_whitelisted_fields():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter())
    logger = logging.getLogger("passerelle.test-logs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        logger.info(
            "sign-in for %s",
            "quelquun@essai.example",
            extra={"event": "login.failed", "actor_id": 7, "password": "jamais", "email": "x@y.example"},
        )
        try:
            raise ValueError("token=supersecretvalue1234567890abcdef")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{"))
    assert first["event"] == "login.failed" and first["actor_id"] == 7 and first["level"] == "info"
    assert "password" not in first and "email" not in first and "quelquun" not in first["message"]
    assert "supersecretvalue" not in second["exception"] and "ValueError" in second["exception"]


def test_production_apps_log_json_requests_by_endpoint(app):
    from intranet import create_app

    prod = create_app(
        {
            "PASSERELLE_ENV": "production",
            "SECRET_KEY": "k" * 48,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "REDIS_URL": app.config["REDIS_URL"],
            "RATELIMIT_STORAGE_URI": "memory://",
            "INSTANCE_PATH": app.instance_path,
            "LOG_FORMAT": "text",
        }
    )
    assert prod.config["LOG_REQUESTS"] is True
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter())
    logger = logging.getLogger("passerelle.request")
    logger.addHandler(handler)
    try:
        prod.test_client().get(
            "/reinitialiser/UnJetonSecretDeReinitialisation123456", base_url="https://passerelle.test"
        )
    finally:
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue().splitlines()[-1])
    assert line["endpoint"] == "accounts.reset_password" and line["status"] == 400 and line["method"] == "GET"
    assert "UnJeton" not in stream.getvalue()
