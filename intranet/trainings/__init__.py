"""Trainings: a calendar of sessions that members book, with fair waiting lists and certificates."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from .. import events
from ..demo import register_demo
from ..home.desk import register_desk_item
from ..home.sections import register_section
from ..templating import add_nav
from ..themes import register_usage


def init_app(app: Flask) -> None:
    from . import demo, guarded, ics, search_source, services
    from .views import bp, desk_sessions

    app.register_blueprint(bp)
    guarded.init_app(app)
    add_nav(app, "trainings.index", _l("Formations"), "member", 30)
    add_nav(
        app,
        "trainings.manage",
        _l("Gérer les formations"),
        "staff",
        75,
        _l("Formations, séances, inscriptions, présences et attestations."),
    )
    register_section(app, 200, "trainings/_home.html", services.home_section)
    register_desk_item(app, 30, "staff", desk_sessions)
    events.register_digest_source(
        app,
        "trainings",
        30,
        _l("Formations : places disponibles"),
        services.digest_items,
        collect_many=services.digest_items_many,
    )
    events.register_calendar_source(app, "trainings", ics.feed_events)
    register_demo(app, 30, demo.load)
    register_usage(app, _l("Formations"), services.theme_usage)
    search_source.register(app)
    events.account_closing.connect(services.free_seats_of_closing_account, weak=False)
