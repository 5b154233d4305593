"""Audit log: every ``events.audit`` signal becomes an append-only row that administrators read."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from .. import events


def init_app(app: Flask) -> None:
    from ..demo import register_demo
    from ..templating import add_nav
    from .demo import load_demo
    from .services import on_audit
    from .views import bp

    app.config.setdefault("AUDIT_RETENTION_DAYS", 365)
    events.audit.connect(on_audit, weak=False)
    app.register_blueprint(bp)
    add_nav(app, "audit.index", _l("Journal"), "admin", 95, _l("Qui a fait quoi, et quand."))
    register_demo(app, 90, load_demo)
    _words(app)


def _words(app: Flask) -> None:
    from ..vocabulary import register_words
    from .labels import DETAILS, LABELS, VALUES

    register_words(app, "audit.action", LABELS)
    register_words(app, "audit.detail", DETAILS)
    for key, values in VALUES.items():
        register_words(app, f"audit.value.{key}", values)
