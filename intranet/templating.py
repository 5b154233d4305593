"""What every template can use: navigation by role, languages, the network's name."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .markdown import render_markdown
from .security import allowed

# ``app.extensions[NAV]``: the navigation entries, (order, endpoint, label, minimum rule,
# description), by order. Features add theirs in init_app. Entries for staff or administrators are
# management tools: they are listed on the "Gestion" page, and the menu shows that one entry, so it
# stays one row whatever features add.
NAV = "passerelle.nav"
MANAGEMENT_RULES = ("staff", "admin")
MANAGE_ENDPOINT = "admin.manage"


def add_nav(
    app: Flask, endpoint: str, label, rule: str = "member", order: int = 50, description=None
) -> None:
    entries = app.extensions.setdefault(NAV, [])
    if any(item[1] == endpoint for item in entries):
        return
    entries.append((order, endpoint, label, rule, description))
    entries.sort(key=lambda item: item[0])


def _nav_entries() -> list[tuple[int, str, object, str, object]]:
    return current_app.extensions.get(NAV, [])


def management_for(user) -> list[tuple[str, object, object]]:
    """The management tools this person may open: (endpoint, label, description)."""
    return [
        (endpoint, label, description)
        for _o, endpoint, label, rule, description in _nav_entries()
        if rule in MANAGEMENT_RULES and allowed(rule, user)
    ]


def nav_for(user) -> list[tuple[str, object]]:
    entries = [
        (endpoint, label)
        for _o, endpoint, label, rule, _d in _nav_entries()
        if rule not in MANAGEMENT_RULES and allowed(rule, user)
    ]
    if user.is_authenticated and management_for(user):
        entries.append((MANAGE_ENDPOINT, _l("Gestion")))
    return entries


def nav_current(endpoint: str | None, user) -> str | None:
    """The menu entry to mark as the current page: a management tool marks "Gestion"."""
    if endpoint is None or not user.is_authenticated:
        return endpoint
    if any(e == endpoint for e, _l2, _d in management_for(user)):
        return MANAGE_ENDPOINT
    return endpoint


def init_app(app: Flask) -> None:
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
            "nav_current": nav_current(request.endpoint, current_user) if current_user and request else None,
            "current_path": request.full_path.rstrip("?") if request else "/",
        }

    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
