"""What the accounts' pages share: the blueprint, the session's keys, the rate limit of forms that
check a password, starting a signed-in session (or the second step before it), and the pages of
two-factor enrolment and of recovery codes."""

from __future__ import annotations

import time

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user
from flask_wtf.csrf import generate_csrf

from .. import services, twofactor
from ..forms import CodeForm
from ..models import User

bp = Blueprint("accounts", __name__)

SESSION_KEY = "sid"
PENDING_KEY = "pending_sign_in"  # the password was right; the second factor is awaited


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def sign_in(user: User, method: str | None = "password") -> None:
    """Start a fresh session (nothing from before survives: session fixation). ``method`` says how
    the person proved who they are, for the audit log; None when the session is only rotated."""
    session.clear()
    token = services.start_session(user, request.headers.get("User-Agent", ""))
    session[SESSION_KEY] = token
    session.permanent = True
    session["lang"] = user.locale
    services.clear_failures(user)
    login_user(user)
    # A small cookie, resent with every request: the server-side record does Flask-Login's
    # session-identifier job (``_id``, 128 characters) and nothing asks for a "fresh" login.
    session.pop("_id", None)
    session.pop("_fresh", None)
    generate_csrf()  # now, so the first page after sign-in does not send the cookie again
    if method:
        services.audit("login.succeeded", user, target=user, method=method)


def begin_sign_in(user: User, target: str):
    """The password was right: sign in, or ask for the second factor (or its setup) first."""
    if user.two_factor_enabled or user.two_factor_required:
        lang = session.get("lang")
        session.clear()
        session[PENDING_KEY] = {"uid": user.id, "at": int(time.time()), "next": target}
        if lang:
            session["lang"] = lang  # the second step speaks the language of the first
        endpoint = "accounts.two_factor" if user.two_factor_enabled else "accounts.two_factor_setup"
        return redirect(url_for(endpoint), code=303)
    sign_in(user)
    return redirect(target, code=303)


def setup_page(user: User, form: CodeForm, error: str | None, status: int, *, signing_in: bool):
    return (
        render_template(
            "accounts/two_factor_setup.html",
            form=form,
            error=error,
            qr=twofactor.qr_svg(user, _("Code QR à lire avec votre application d’authentification")),
            secret=twofactor.grouped_secret(user),
            signing_in=signing_in,
        ),
        status,
    )


def show_recovery_codes(codes: list[str], target: str):
    # Shown once, in the answer itself (no redirect): the plain codes are stored nowhere.
    return render_template("accounts/recovery_codes.html", codes=codes, target=target)
