"""Error pages in the user's language; they never echo what the user may not see (rule 3)."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError

from .extensions import db
from .urls import wants_fragment


def _render(status: int, title_key: str):
    template = "errors/_error.html" if wants_fragment() else "errors/error.html"
    return render_template(template, status=status, kind=title_key), status


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

    @app.errorhandler(500)
    def server_error(_e):
        db.session.rollback()
        app.logger.error("server error on %s %s", request.method, request.endpoint)
        return _render(500, "server")
