"""One list of themes for the whole network (issue 17): practices, trainings and advocacy texts are
tagged from it, members follow themes from it in their digests, staff manage it at ``/themes``.

Part of the foundation: features import ``intranet.themes.models.Theme`` and
``intranet.themes.services`` (choices for a form, ``resolve`` for what a form chose); a feature that
tags with themes tells the management page how many of its objects carry each theme with
``register_usage(app, label, count)``, ``count()`` returning ``{theme id: number}``.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask_babel import lazy_gettext as _l

USAGE_KEY = "passerelle.theme_usage"


def register_usage(app: Flask, label, count: Callable[[], dict[int, int]]) -> None:
    app.extensions.setdefault(USAGE_KEY, []).append((label, count))


def init_app(app: Flask) -> None:
    from ..demo import register_demo
    from ..objects import column_titles, register_object
    from ..templating import add_nav
    from .demo import load_demo
    from .views import bp

    app.register_blueprint(bp)
    add_nav(
        app,
        "themes.index",
        _l("Thèmes"),
        "staff",
        80,
        _l("La liste commune des pratiques, formations et prises de position."),
    )
    from .models import Theme

    titles = column_titles(Theme.name_fr)
    register_object(app, "theme", _l("Thème"), lambda _id, _user: _theme_link(), titles)
    # Audit entries written before the one list named the practices' table (same ids).
    register_object(app, "practice_theme_list", _l("Thème"), lambda _id, _user: _theme_link(), titles)
    register_demo(app, 20, load_demo)


def _theme_link() -> str:
    from flask import url_for

    return url_for("themes.index")
