"""Network censuses (issue 21): campaigns of aggregate counts that each organization answers for
itself, published only as suppressed aggregates where no organization can be singled out."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def _home_section(user):
    from .services import answers

    waiting = [(c, r) for c, r in answers.open_for(user) if r.status != "submitted"]
    return {"waiting": waiting} if waiting else None


def init_app(app: Flask) -> None:
    from ..demo import register_demo
    from ..home.sections import register_section
    from ..tasks.services import register_task_access, register_task_guard
    from ..templating import add_nav
    from ..vocabulary import register_words
    from . import charts, models, report  # noqa: F401  (tables)
    from .demo import load_demo
    from .views import bp

    app.register_blueprint(bp)
    add_nav(app, "census.index", _l("Recensements"), "member", 45)
    register_section(app, 450, "census/_home.html", _home_section)
    register_demo(app, 450, load_demo)
    register_task_access(app, report.REPORT_TASK_KIND, report.can_see_report_task)
    register_task_guard(app, report.REPORT_TASK_KIND, report.can_see_report_task)
    register_words(app, "task.kind", {report.REPORT_TASK_KIND: _l("Rapport de recensement en PDF")})
    app.jinja_env.filters["census_cell"] = charts.cell_text
