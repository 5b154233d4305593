"""Advocacy: drafts written by members, reviewed by the network staff, co-signed by
organizations, and turned into PDF briefs by a worker."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from .. import events
from ..demo import register_demo
from ..home.desk import register_desk_item
from ..home.sections import register_section
from ..markdown import register_renderer
from ..tasks.services import register_task_access
from ..templating import add_nav
from ..themes import register_usage


def init_app(app: Flask) -> None:
    from . import (
        guarded,
        models,  # noqa: F401  (tables)
        search_source,
        services,
    )
    from .demo import load_demo
    from .home import desk_reviews, provide_home_section
    from .redaction import register as register_redaction
    from .views import bp, member_markdown

    app.register_blueprint(bp)
    guarded.init_app(app)
    app.jinja_env.filters["advocacy_markdown"] = member_markdown
    register_renderer(app, "advocacy_markdown", member_markdown)
    add_nav(app, "advocacy.index", _l("Plaidoyer"), "member", 40)
    register_section(app, 400, "advocacy/_home.html", provide_home_section)
    register_desk_item(app, 20, "staff", desk_reviews)
    register_demo(app, 400, load_demo)
    register_usage(app, _l("Prises de position"), services.theme_usage)
    register_task_access(app, services.BRIEF_TASK_KIND, services.can_see_brief_task)
    register_redaction(app)
    # A version's page shows the text: opening it reads the text's notifications (comments too).
    events.register_object_page(app, "advocacy.version", "advocacy.show", ("position_id",))
    search_source.register(app)
    events.register_digest_source(
        app,
        "advocacy_cosign",
        400,
        _l("Positions ouvertes à la cosignature"),
        services.collect_cosigning,
        interests="none",
        collect_many=services.collect_cosigning_many,
    )
    events.register_digest_source(
        app,
        "advocacy_review",
        410,
        _l("Textes de plaidoyer en attente de révision"),
        services.collect_review,
        interests="none",
    )
