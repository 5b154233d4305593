from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from ..templating import add_nav
    from . import models  # noqa: F401  (the outbox and settings tables)
    from .textlines import TextLines
    from .views import bp

    app.register_blueprint(bp)
    app.jinja_env.add_extension(TextLines)  # .txt emails keep their line breaks
    add_nav(
        app, "mail.settings", _l("Courriels"), "admin", 92, _l("Ce que disent les courriels, et leur envoi.")
    )
    _words(app)


def _words(app: Flask) -> None:
    """The outbox's statuses and the settings as the jobs page and the audit log say them."""
    from flask import url_for
    from flask_babel import lazy_gettext as _l

    from ..objects import register_object
    from ..vocabulary import register_words

    register_words(
        app,
        "mail.status",
        {
            "pending": _l("en attente"),
            "sending": _l("en cours d’envoi"),
            "sent": _l("envoyés"),
            "refused": _l("refusés par le serveur"),
            "failed": _l("abandonnés"),
        },
    )
    register_object(
        app,
        "mail_settings",
        _l("Réglages des courriels"),
        lambda _id, user: url_for("mail.settings") if getattr(user, "role", None) == "admin" else None,
    )
