"""Who may reach which route, in one place, and the headers every response carries.

Every view declares its rule with ``@access(...)``. The rule is enforced before the view runs;
a route without a rule is refused (and the route-matrix test fails), so a new page cannot be
published by forgetting its check. Object-level rules (this organization's draft...) live in
each feature's ``policy.py``.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_login import current_user

from .accounts.models import ROLE_RANK, Role
from .urls import remember_return_path, wants_fragment

RULES = ("public", "member", "coordinator", "staff", "admin")
RULE_ROLE = {"coordinator": Role.COORDINATOR, "staff": Role.STAFF, "admin": Role.ADMIN}


def access(rule: str) -> Callable:
    if rule not in RULES:
        raise ValueError(f"unknown access rule {rule!r}")

    def decorate(view: Callable) -> Callable:
        view.access_rule = rule
        return view

    return decorate


def rule_for(endpoint: str | None) -> str | None:
    if endpoint is None:
        return None
    if endpoint == "static" or endpoint.endswith(".static"):
        return "public"
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


def allowed(rule: str, user) -> bool:
    if rule == "public":
        return True
    if not user.is_authenticated:
        return False
    if rule == "member":
        return True
    return ROLE_RANK[user.role] >= ROLE_RANK[RULE_ROLE[rule]]


def _enforce():
    if request.endpoint is None:  # 404/405 are answered by Flask itself
        return None
    rule = rule_for(request.endpoint)
    if rule is None:
        current_app.logger.error("route %s has no access rule: refused", request.endpoint)
        abort(403)
    if allowed(rule, current_user):
        return None
    if not current_user.is_authenticated:
        if request.method == "GET" and not wants_fragment():
            remember_return_path(request.full_path.rstrip("?"))
        target = url_for("accounts.login")
        if getattr(request, "htmx", False):
            response = current_app.response_class(status=401)
            response.headers["HX-Redirect"] = target
            return response
        return redirect(target)
    abort(403)


def _refuse_control_characters():
    """NUL never belongs in a form or a query (PostgreSQL refuses it in text: it would be a 500)."""
    if request.method in ("POST", "PUT", "PATCH") or request.args:
        values = list(request.args.values())
        if request.method != "GET" and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            values += list(request.form.values())
        if any("\x00" in value for value in values):
            abort(400)


def require(check: bool) -> None:
    """Object-level refusal: 404 rather than 403, so nothing says the object exists (rule 3)."""
    if not check:
        abort(404)


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)


def _headers(response):
    h = response.headers
    h.setdefault("Content-Security-Policy", CSP)
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("Referrer-Policy", "no-referrer")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
    if current_app.config["PASSERELLE_ENV"] == "production":
        h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.endpoint != "static" and not (request.endpoint or "").endswith(".static"):
        # Never kept by the browser, signed in or not: Back after a quick exit asks the server
        # again (which sends it to the neutral site) instead of showing a kept copy.
        if (current_user and current_user.is_authenticated) or response.mimetype == "text/html":
            h["Cache-Control"] = "no-store"
        else:
            h.setdefault("Cache-Control", "no-store")
    if request.htmx:
        h.add("Vary", "HX-Request")
    return response


def init_app(app: Flask) -> None:
    app.before_request(_refuse_control_characters)
    app.before_request(_enforce)
    app.after_request(_headers)
