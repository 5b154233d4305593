"""Who may reach which route, in one place, and the headers every response carries.

Every view declares its rule with ``@access(...)``. The rule is enforced before the view runs;
a route without a rule is refused (and the route-matrix test fails), so a new page cannot be
published by forgetting its check. Object-level rules (this organization's draft...) live in
each feature's ``policy.py``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, current_app, g, redirect, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user

from .accounts.models import ROLE_RANK, Role
from .extensions import db
from .urls import remember_return_path, wants_fragment

T = TypeVar("T")

RULES = ("public", "member", "coordinator", "staff", "admin")
RULE_ROLE = {"coordinator": Role.COORDINATOR, "staff": Role.STAFF, "admin": Role.ADMIN}


def access(rule: str) -> Callable:
    if rule not in RULES:
        raise ValueError(f"unknown access rule {rule!r}")

    def decorate(view: Callable) -> Callable:
        setattr(view, "access_rule", rule)  # noqa: B010 (an attribute the type checker does not know)
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
        if request.method != "GET" and request.mimetype in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            values += list(request.form.values())
        if any("\x00" in value for value in values):
            abort(400)


def require(check: bool) -> None:
    """Object-level refusal: 404 rather than 403, so nothing says the object exists (rule 3)."""
    if not check:
        abort(404)


def found(obj: T | None) -> T:
    """What a lookup found, or the same 404 as ``require`` when it found nothing."""
    if obj is None:
        abort(404)
    return obj


def require_row(model: type[T], row_id: Any) -> T:
    """The row of ``model`` with this primary key, or 404. Who may see it is checked next, with
    ``require(policy...)``, which answers the same 404."""
    return found(db.session.get(model, row_id))


# Sent with every page, so kept short: what default-src already says is not repeated (fonts,
# connections), frame-ancestors does X-Frame-Options' job in every browser that runs the site.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def _headers(response):
    h = response.headers
    h.setdefault("Content-Security-Policy", CSP)
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("Referrer-Policy", "no-referrer")
    h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config["PASSERELLE_ENV"] == "production":
        h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.endpoint != "static" and not (request.endpoint or "").endswith(".static"):
        # Never kept by the browser, signed in or not: Back after a quick exit asks the server
        # again (which sends it to the neutral site) instead of showing a kept copy.
        if (current_user and current_user.is_authenticated) or response.mimetype == "text/html":
            h["Cache-Control"] = "no-store"
        else:
            h.setdefault("Cache-Control", "no-store")
    if getattr(request, "htmx", False):
        h.add("Vary", "HX-Request")
    return response


def _not_modified(response):
    """An htmx fragment the page already holds is answered 304, headers only.

    Every fragment carries a validator (a weak ETag: compression leaves it alone); app.js sends it
    back when a region refreshes itself. Pages stay ``no-store`` (nothing private in the browser's
    cache on a shared computer): the page script, not the cache, keeps the validator.
    """
    if (
        request.method != "GET"
        or not getattr(request, "htmx", False)
        or response.status_code != 200
        or response.direct_passthrough
        or response.mimetype != "text/html"
    ):
        return response
    body = response.get_data()
    # The form token is signed anew with the time on each render; the one the page holds stays
    # valid (no time limit), so it does not make a region "changed".
    token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    if token:
        body = body.replace(token.encode(), b"")
    etag = hashlib.blake2b(body, digest_size=6).hexdigest()
    if request.if_none_match.contains_weak(etag):
        # Bare: no body, no cache headers (nothing is stored from it), no security headers (they
        # came with the page). A region left open an hour sends back about 150 bytes a refresh.
        response = current_app.response_class(status=304)
        del response.headers["Content-Type"]
    response.set_etag(etag, weak=True)
    return response


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed-cookie session; a bare 304 stays bare (no ``Vary``: the page script, not a
    cache, holds what it validates, and the 200 it stands for was ``no-store``)."""

    def save_session(self, app, session, response) -> None:
        super().save_session(app, session, response)
        if response.status_code == 304 and "Set-Cookie" not in response.headers:
            del response.headers["Vary"]


def init_app(app: Flask) -> None:
    app.session_interface = SessionCookies()
    app.before_request(_refuse_control_characters)
    app.before_request(_enforce)
    # After-request functions run last-registered first: the 304 is decided after the security
    # headers are set (and replaces them: a 304 needs none), before compression.
    app.after_request(_not_modified)
    app.after_request(_headers)
