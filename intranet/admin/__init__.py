from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from ..home.desk import register_desk_item
    from ..templating import add_nav
    from . import network  # noqa: F401  (its route joins the blueprint)
    from .views import bp, desk_failed_jobs, desk_organizations

    app.register_blueprint(bp)
    add_nav("admin.network_settings", _l("Réseau"), "admin", 93, _l("Le papier des documents PDF."))
    register_desk_item(40, "staff", desk_organizations)
    register_desk_item(50, "admin", desk_failed_jobs)
