"""Notifications and digests: what concerns a member, in the header, on a page and in their inbox."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from ..mail.privacy import PREFERENCE_LOOKUP

DEFAULTS = {
    "DIGEST_HOUR": 6,  # digests leave from this hour, network time
    "DIGEST_DEFAULT_WEEKDAY": 0,  # Monday, for members who never chose
    "DIGEST_BATCH_SIZE": 400,  # members per job: many workers share a run
    "DIGEST_CHUNK_SIZE": 25,  # members per transaction within a job
}


def _home_section(user):
    from .services import recent_unread, unread_count

    items = recent_unread(user)
    return {"notifications": items, "unread": unread_count(user)} if items else None


def _preference(user_id: int):
    from ..extensions import db
    from .models import NotificationPreference

    return db.session.get(NotificationPreference, user_id)


def init_app(app: Flask) -> None:
    from ..demo import register_demo
    from ..events import notify, retire
    from ..extensions import csrf
    from ..home.sections import register_section
    from ..templating import add_nav
    from . import (
        models,
        reading,
        services,
        views,
        welcome,  # noqa: F401  (the first visit's route, on the blueprint)
    )
    from .demo import load_demo

    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.register_blueprint(views.bp)
    from ..accounts import FIRST_VISIT

    app.extensions[FIRST_VISIT] = "notifications.welcome"  # after an invitation: two questions
    csrf.exempt(views.unsubscribe)  # RFC 8058: the mail client's POST carries the signed token only
    notify.connect(services.on_notify, weak=False)
    retire.connect(services.on_retire, weak=False)
    app.before_request(reading.read_on_open)  # after the access rules: only a page one may open
    app.extensions[PREFERENCE_LOOKUP] = _preference
    # A notification's title copies the object's title: a redaction rewrites it too.
    from ..redaction.registry import register_copy

    register_copy(app, models.Notification.title)

    @app.context_processor
    def _notifications_context():
        return {
            "notifications_unread": reading.unread_for_current_user,
            "notification_kind": services.kind_label,
            "notification_link": views.link_for,
        }

    add_nav(
        app,
        "notifications.deliveries",
        _l("Résumés envoyés"),
        "admin",
        95,
        _l("Les résumés par courriel partis, et leur état."),
    )
    register_section(app, 10, "notifications/_home.html", _home_section)
    register_demo(app, 900, load_demo)
