"""Signing in and out: the password (throttled on failures only), the second factor or its first
enrolment, signing out, and the quick exit."""

from __future__ import annotations

import time
from datetime import timedelta

from flask import current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import format_timedelta, ngettext
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, logout_user

from ... import quick_exit as quick_exit_marker
from ...database import writes
from ...extensions import db, limiter
from ...security import access
from ...urls import safe_next, take_return_path
from .. import services, throttle, twofactor
from ..forms import CodeForm, LoginForm
from ..models import User
from .common import (
    PENDING_KEY,
    SESSION_KEY,
    begin_sign_in,
    bp,
    login_limit,
    setup_page,
    show_recovery_codes,
    sign_in,
)


def _pending_user() -> tuple[User | None, str]:
    pending = session.get(PENDING_KEY) or {}
    max_age = current_app.config["TWO_FACTOR_PENDING_MAX_AGE"]
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > max_age:
        return None, url_for("home.index")
    user = db.session.get(User, pending.get("uid"))
    if user is None or not user.active or user.closed_at is not None:
        return None, url_for("home.index")
    return user, safe_next(pending.get("next"), url_for("home.index"))


def _no_pending_sign_in():
    session.pop(PENDING_KEY, None)
    flash(_("Votre connexion a expiré. Reconnectez-vous."), "info")
    return redirect(url_for("accounts.login"), code=303)


def _sign_out() -> None:
    services.end_session(session.get(SESSION_KEY))
    logout_user()
    session.clear()


@bp.route("/connexion", methods=["GET", "POST"])
@access("public")
def login():
    """Sign-in. Only failures are throttled (``throttle``): a room full of people behind one
    address all sign in at once."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        address = get_remote_address()
        email = form.email.data or ""  # DataRequired: never empty here
        refusal = throttle.check(email, address)
        if refusal is not None:
            return _throttled(form, refusal)
        user = services.authenticate(email, form.password.data or "")
        if user is not None:
            throttle.succeeded(email, address)
            response = begin_sign_in(user, take_return_path(url_for("home.index")))
            db.session.commit()
            return response
        db.session.commit()  # the failure is counted and audited
        throttle.failed(email, address)
        refusal = throttle.check(email, address)
        if refusal is not None:
            return _throttled(form, refusal)
        error = _failed_sign_in_message()
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/login.html", form=form, error=error), status


def _throttled(form: LoginForm, refusal: throttle.Refusal):
    """Too many failures: say so plainly, and for how long (the same for any email typed)."""
    wait = format_timedelta(timedelta(seconds=refusal.retry_after), threshold=1.1, add_direction=False)
    if refusal.scope == "pair":
        error = _(
            "Trop d’essais manqués avec ce courriel. Par sécurité, la connexion est suspendue : "
            "réessayez dans %(wait)s, ou choisissez un nouveau mot de passe.",
            wait=wait,
        )
    else:
        error = _("Trop d’essais manqués depuis ce réseau. Réessayez dans %(wait)s.", wait=wait)
    response = make_response(render_template("accounts/login.html", form=form, error=error), 429)
    response.headers["Retry-After"] = str(refusal.retry_after)
    return response


def _failed_sign_in_message() -> str:
    """One message for every failure, whatever its reason (unknown email, lockout...)."""
    return _(
        "Courriel ou mot de passe incorrect. Après plusieurs essais, la connexion est suspendue "
        "quelques minutes."
    )


@bp.route("/connexion/code", methods=["GET", "POST"])
@access("public")
@limiter.limit(login_limit, methods=["POST"])
def two_factor():
    """Second step of sign-in: a code from the authenticator app, or a recovery code."""
    user, target = _pending_user()
    if user is None:
        return _no_pending_sign_in()
    if not user.two_factor_enabled:
        return redirect(url_for("accounts.two_factor_setup"), code=303)
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        method = (
            None if services.is_locked(user) else twofactor.verify_second_factor(user, form.code.data or "")
        )
        if method:
            sign_in(user, method)
            left = twofactor.remaining_recovery_codes(user) if method == "recovery" else None
            db.session.commit()
            if left is not None:
                flash(
                    ngettext(
                        "Code de secours utilisé : il vous en reste %(num)s. Pensez à en créer de nouveaux.",
                        "Code de secours utilisé : il vous en reste %(num)s. Pensez à en créer de nouveaux.",
                        left,
                    ),
                    "info",
                )
            return redirect(target, code=303)
        services.record_failure(user, "second_factor")
        db.session.commit()
        error = _(
            "Ce code n’est pas valide. Après plusieurs essais, la connexion est suspendue quelques minutes."
        )
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/two_factor.html", form=form, error=error), status


@bp.route("/connexion/double-authentification", methods=["GET", "POST"])
@access("public")
@writes  # the enrolment's secret is stored on the first GET
@limiter.limit(login_limit, methods=["POST"])
def two_factor_setup():
    """First sign-in of someone who must use two-factor sign-in: enrol before entering."""
    user, target = _pending_user()
    if user is None:
        return _no_pending_sign_in()
    if user.two_factor_enabled:
        return redirect(url_for("accounts.two_factor"), code=303)
    twofactor.begin_enrolment(user)
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        codes = None if services.is_locked(user) else twofactor.confirm_enrolment(user, form.code.data or "")
        if codes:
            services.audit("2fa.enabled", user, target=user)
            sign_in(user, "totp")
            db.session.commit()
            return show_recovery_codes(codes, target)
        services.record_failure(user, "second_factor")
        error = _("Ce code n’est pas valide. Vérifiez l’heure de votre téléphone et réessayez.")
    db.session.commit()
    return setup_page(user, form, error, 422 if request.method == "POST" else 200, signing_in=True)


@bp.route("/deconnexion", methods=["POST"])
@access("member")
def logout():
    _sign_out()
    db.session.commit()
    flash(_("Votre session est fermée."), "info")
    return redirect(url_for("accounts.login"), code=303)


@bp.route("/sortie")
@access("public")
@writes  # a signed-in visitor's session record is deleted
def quick_exit():
    """Quick exit: end the session, ask the browser to clear what it can, then leave (see
    ``intranet/quick_exit.py``)."""
    if current_user.is_authenticated:
        _sign_out()
        db.session.commit()
    else:
        session.clear()
    response = make_response(redirect(url_for("accounts.quick_exit_done"), code=303))
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@bp.route("/sortie/fin")
@access("public")
def quick_exit_done():
    """Second step of the quick exit: the marker that sends this browser's next requests to the
    neutral site (set after the clearing, which would remove it), and the neutral site itself."""
    return quick_exit_marker.leave_marker(redirect(current_app.config["QUICK_EXIT_URL"], code=303))
