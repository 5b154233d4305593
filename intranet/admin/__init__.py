from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from ..home.desk import register_desk_item
    from .views import bp, desk_failed_jobs, desk_organizations

    app.register_blueprint(bp)
    register_desk_item(40, "staff", desk_organizations)
    register_desk_item(50, "admin", desk_failed_jobs)
