"""Good-practices library: members record, find and discuss what works (issue 3)."""

from __future__ import annotations

import click
from flask import Flask
from flask_babel import lazy_gettext as _l

from ..demo import register_demo
from ..events import register_digest_source
from ..extensions import db
from ..home.desk import register_desk_item
from ..home.sections import register_section
from ..tasks.services import enqueue_after_commit, register_task_guard
from ..templating import add_nav
from ..themes import register_usage
from ..themes.services import theme_renamed


def init_app(app: Flask) -> None:
    from . import guarded, redaction, search, search_source, services
    from .demo import load_demo
    from .labels import label, short_date
    from .views import bp, desk_reports

    app.register_blueprint(bp)
    guarded.init_app(app)
    add_nav(app, "practices.index", _l("Bonnes pratiques"), "member", 10)
    register_section(app, 100, "practices/_home.html", services.home_context)
    register_desk_item(app, 10, "staff", desk_reports)
    register_digest_source(
        app,
        "practices",
        10,
        _l("Nouvelles bonnes pratiques"),
        services.collect_digest,
        collect_many=services.collect_digest_many,
    )
    register_demo(app, 30, load_demo)
    # A PDF made while the practice was shared stays out of reach once it no longer is.
    register_task_guard(app, "practice_pdf", services.can_still_see_pdf_task)
    redaction.register(app)
    search_source.register(app)
    register_usage(app, _l("Pratiques"), services.theme_usage)
    # Theme names are searchable words of every practice that carries the theme.
    theme_renamed.connect(_reindex_theme, weak=False)

    @app.cli.command("practices-reindex")
    def practices_reindex() -> None:
        """Rebuild the full-text index of every practice (after a migration or a restore)."""
        count = search.reindex_all()
        db.session.commit()
        click.echo(f"{count} practices indexed.")

    @app.template_filter("practice_date")
    def practice_date(value) -> str:
        return short_date(value)

    @app.template_filter("practice_label")
    def practice_label(value: str) -> str:
        return label(value)


def _reindex_theme(theme_id: int) -> None:
    enqueue_after_commit("jobs.practices.reindex_theme", theme_id, queue="default")
