from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from ..templating import add_nav
    from . import models  # noqa: F401  (the outbox and settings tables)
    from .views import bp

    app.register_blueprint(bp)
    add_nav("mail.settings", _l("Courriels"), "admin", 92, _l("Ce que disent les courriels, et leur envoi."))
