"""What every template can use: navigation by role, languages, the network's name."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .markdown import render_markdown

# Navigation entries: (order, endpoint, label, minimum rule). Features add theirs in init_app.
_NAV_ORDERED: list[tuple[int, str, object, str]] = []


def add_nav(endpoint: str, label, rule: str = "member", order: int = 50) -> None:
    if any(e == endpoint for _o, e, _l2, _r in _NAV_ORDERED):
        return
    _NAV_ORDERED.append((order, endpoint, label, rule))
    _NAV_ORDERED.sort(key=lambda item: item[0])


def nav_for(user) -> list[tuple[str, object]]:
    from .security import allowed

    return [(endpoint, label) for _o, endpoint, label, rule in _NAV_ORDERED if allowed(rule, user)]


def init_app(app: Flask) -> None:
    add_nav("home.index", _l("Accueil"), "member", 0)
    add_nav("admin.organizations", _l("Organismes"), "staff", 80)
    add_nav("admin.jobs", _l("Tâches de fond"), "admin", 90)

    @app.context_processor
    def _globals():
        locale = str(get_locale() or "fr")
        return {
            "network_name": current_app.config["NETWORK_NAME"],
            # Pages seen without signing in say nothing of the cause (rule 4).
            "site_name": current_app.config["NETWORK_NAME"]
            if current_user and current_user.is_authenticated
            else current_app.config["PUBLIC_SITE_NAME"],
            "quick_exit_url": current_app.config["QUICK_EXIT_URL"],
            "current_locale": locale,
            "other_locale": "en" if locale == "fr" else "fr",
            "nav": nav_for(current_user) if current_user else [],
            "current_path": request.full_path.rstrip("?") if request else "/",
        }

    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
