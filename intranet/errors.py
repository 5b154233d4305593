"""Error pages in the user's language; they never echo what the user may not see (rule 3).

A server error says nothing of its cause: the page shows a reference (the request id), and the log
line that carries the cause carries the same reference, so a person who reports it can be helped.
"""

from __future__ import annotations

import logging
import secrets

from flask import Flask, g, has_request_context, render_template, request
from flask_wtf.csrf import CSRFError

from .extensions import db
from .urls import wants_fragment


def request_id() -> str:
    """This request's reference: 8 random hexadecimal digits, made on first use."""
    rid = g.get("request_id")
    if rid is None:
        rid = g.request_id = secrets.token_hex(4).upper()
    return rid


class RequestIdFilter(logging.Filter):
    """Stamps every log record made during a request with its id (``request_id``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context() and not hasattr(record, "request_id"):
            record.request_id = request_id()
        return True


def _render(status: int, title_key: str, **context):
    template = "errors/_error.html" if wants_fragment() else "errors/error.html"
    return render_template(template, status=status, kind=title_key, **context), status


_BARE_500 = (
    "<!doctype html><meta charset=utf-8><title>Erreur 500</title><h1>Erreur 500</h1>"
    "<p>Une erreur est survenue de notre côté. Réessayez dans un moment. "
    "/ Something went wrong on our side. Please try again in a moment.</p><p>Référence / reference : {}</p>"
)


def init_app(app: Flask) -> None:
    @app.errorhandler(400)
    def bad_request(_e):
        return _render(400, "bad_request")

    @app.errorhandler(CSRFError)
    def csrf_error(_e):
        return _render(400, "csrf")

    @app.errorhandler(403)
    def forbidden(_e):
        return _render(403, "forbidden")

    @app.errorhandler(404)
    def not_found(_e):
        return _render(404, "not_found")

    @app.errorhandler(405)
    def method_not_allowed(_e):
        return _render(405, "method")

    @app.errorhandler(413)
    def too_large(_e):
        return _render(413, "too_large")

    @app.errorhandler(429)
    def too_many(_e):
        return _render(429, "too_many")

    app.logger.addFilter(RequestIdFilter())

    @app.errorhandler(500)
    def server_error(e):
        reference = request_id()
        db.session.rollback()
        cause = getattr(e, "original_exception", None) or e
        app.logger.error(
            "server error %s on %s %s",
            reference,
            request.method,
            request.endpoint,
            exc_info=(type(cause), cause, cause.__traceback__),
        )
        try:
            return _render(500, "server", reference=reference)
        except Exception:  # the page itself failed (the database is down...): a page without templates
            app.logger.exception("error page failed %s", reference)
            return _BARE_500.format(reference), 500
