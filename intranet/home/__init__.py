from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from ..templating import add_nav
    from .sections import register_section
    from .views import bp, organization_section, tasks_section

    app.register_blueprint(bp)
    add_nav(app, "home.index", _l("Accueil"), "member", 0)
    register_section(app, 900, "home/_organization.html", organization_section)
    register_section(app, 950, "home/_tasks.html", tasks_section)
