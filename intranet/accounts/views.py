from __future__ import annotations

import time
from datetime import timedelta

import sqlalchemy as sa
from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_timedelta, ngettext
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from .. import quick_exit as quick_exit_marker
from ..database import separate_write, writes
from ..extensions import db, limiter, login_manager
from ..security import access
from ..urls import is_background, safe_next, take_return_path
from . import FIRST_VISIT, services, throttle, twofactor
from .forms import (
    ChangePasswordForm,
    CodeForm,
    ConfirmPasswordForm,
    DisableTwoFactorForm,
    ForgotForm,
    LoginForm,
    NewPasswordForm,
    ProfileForm,
)
from .models import User, UserSession
from .passwords import verify_password

bp = Blueprint("accounts", __name__)

SESSION_KEY = "sid"
PENDING_KEY = "pending_sign_in"  # the password was right; the second factor is awaited


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        uid = int(user_id)
    except ValueError:
        return None
    record = services.load_session(session.get(SESSION_KEY), uid)
    if record is None or not record.user.active:
        _forget_cookie()
        return None
    if record.user.two_factor_required and not record.user.two_factor_enabled:
        return None  # a session from before two-factor sign-in became required for this role
    # Only a person's action keeps the session alive: a region refreshing itself does not.
    if not is_background() and services.touch_session(record):
        # Refresh the idle timer in its own short write transaction.
        seen = record.last_seen_at
        db.session.expire(record)  # not written by this read transaction, but by the one below
        with separate_write():
            db.session.execute(
                sa.update(UserSession).where(UserSession.id == record.id).values(last_seen_at=seen)
            )
        return db.session.get(User, uid)
    return record.user


def _forget_cookie() -> None:
    """The session ended (idle, timed out, signed out elsewhere): the cookie goes too, once."""
    if SESSION_KEY in session:
        lang = session.get("lang")
        session.clear()
        if lang:
            session["lang"] = lang


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _sign_in(user: User, method: str | None = "password") -> None:
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


def _begin_sign_in(user: User, target: str):
    """The password was right: sign in, or ask for the second factor (or its setup) first."""
    if user.two_factor_enabled or user.two_factor_required:
        lang = session.get("lang")
        session.clear()
        session[PENDING_KEY] = {"uid": user.id, "at": int(time.time()), "next": target}
        if lang:
            session["lang"] = lang  # the second step speaks the language of the first
        endpoint = "accounts.two_factor" if user.two_factor_enabled else "accounts.two_factor_setup"
        return redirect(url_for(endpoint), code=303)
    _sign_in(user)
    return redirect(target, code=303)


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
            response = _begin_sign_in(user, take_return_path(url_for("home.index")))
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
@limiter.limit(_login_limit, methods=["POST"])
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
            _sign_in(user, method)
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


def _setup_page(user: User, form: CodeForm, error: str | None, status: int, *, signing_in: bool):
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


def _show_recovery_codes(codes: list[str], target: str):
    # Shown once, in the answer itself (no redirect): the plain codes are stored nowhere.
    return render_template("accounts/recovery_codes.html", codes=codes, target=target)


@bp.route("/connexion/double-authentification", methods=["GET", "POST"])
@access("public")
@writes  # the enrolment's secret is stored on the first GET
@limiter.limit(_login_limit, methods=["POST"])
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
            _sign_in(user, "totp")
            db.session.commit()
            return _show_recovery_codes(codes, target)
        services.record_failure(user, "second_factor")
        error = _("Ce code n’est pas valide. Vérifiez l’heure de votre téléphone et réessayez.")
    db.session.commit()
    return _setup_page(user, form, error, 422 if request.method == "POST" else 200, signing_in=True)


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


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@access("public")
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password():
    form = ForgotForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data or "")
        db.session.commit()
        return render_template("accounts/forgot_sent.html")
    return render_template("accounts/forgot.html", form=form), 422 if request.method == "POST" else 200


def _token_page(purpose: str, token: str, template: str):
    try:
        user = services.read_token(token, purpose)
    except services.AccountError as exc:
        return render_template("accounts/link_invalid.html", message=str(exc)), 400
    form = NewPasswordForm()
    error = None
    if form.validate_on_submit():
        try:
            if purpose == "invite":
                services.accept_invitation(user, form.password.data or "")
            else:
                services.set_password(user, form.password.data or "")
        except services.AccountError as exc:
            error = str(exc)
        else:
            services.audit("password.reset" if purpose == "reset" else "password.set", user, target=user)
            # A first visit may ask a question or two first (how much emails may say).
            first = current_app.extensions.get(FIRST_VISIT) if purpose == "invite" else None
            response = _begin_sign_in(user, url_for(first or "home.index"))
            db.session.commit()
            flash(_("Votre mot de passe est enregistré. Bienvenue !"), "success")
            return response
    status = 422 if request.method == "POST" else 200
    return render_template(template, form=form, user=user, error=error), status


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@access("public")
def accept_invitation(token: str):
    return _token_page("invite", token, "accounts/accept_invitation.html")


@bp.route("/reinitialiser/<token>", methods=["GET", "POST"])
@access("public")
@limiter.limit(_login_limit, methods=["POST"])
def reset_password(token: str):
    return _token_page("reset", token, "accounts/reset_password.html")


@bp.route("/compte", methods=["GET", "POST"])
@access("member")
def profile():
    user: User = current_user._get_current_object()
    form = ProfileForm(obj=user, prefix="profile")
    password_form = ChangePasswordForm(prefix="password")
    if request.method == "POST" and "profile-name" in request.form and form.validate_on_submit():
        user.name = (form.name.data or "").strip()
        user.locale = form.locale.data
        session["lang"] = user.locale
        db.session.commit()
        flash(_("Votre profil est enregistré."), "success")
        return redirect(url_for("accounts.profile"), code=303)
    sessions = db.session.scalars(
        sa.select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.last_seen_at.desc())
    ).all()
    status = 422 if request.method == "POST" else 200
    return (
        render_template(
            "accounts/profile.html",
            form=form,
            password_form=password_form,
            sessions=sessions,
            current_hash=services._token_hash(session.get(SESSION_KEY, "")),
            recovery_left=twofactor.remaining_recovery_codes(user) if user.two_factor_enabled else 0,
        ),
        status,
    )


@bp.route("/compte/mot-de-passe", methods=["POST"])
@access("member")
@limiter.limit(_login_limit)
def change_password():
    user: User = current_user._get_current_object()
    form = ProfileForm(obj=user, prefix="profile")
    password_form = ChangePasswordForm(prefix="password")
    error = None
    if password_form.validate_on_submit():
        if not verify_password(user.password_hash, password_form.current.data or ""):
            error = _("Le mot de passe actuel est incorrect.")
        else:
            try:
                services.set_password(user, password_form.password.data or "")
            except services.AccountError as exc:
                error = str(exc)
            else:
                _sign_in(user, None)  # every other session ended; this one starts afresh
                services.audit("password.changed", user, target=user)
                db.session.commit()
                flash(_("Votre mot de passe est changé. Vos autres sessions sont fermées."), "success")
                return redirect(url_for("accounts.profile"), code=303)
    db.session.rollback()
    sessions = db.session.scalars(sa.select(UserSession).where(UserSession.user_id == user.id)).all()
    return (
        render_template(
            "accounts/profile.html",
            form=form,
            password_form=password_form,
            password_error=error,
            sessions=sessions,
            current_hash=services._token_hash(session.get(SESSION_KEY, "")),
            recovery_left=twofactor.remaining_recovery_codes(user) if user.two_factor_enabled else 0,
        ),
        422,
    )


@bp.route("/compte/sessions/fermer", methods=["POST"])
@access("member")
def end_other_sessions():
    count = services.end_all_sessions(current_user, except_token=session.get(SESSION_KEY))
    services.audit("sessions.ended", current_user, target=current_user, count=count)
    db.session.commit()
    flash(ngettext("%(num)s autre session fermée.", "%(num)s autres sessions fermées.", count), "success")
    return redirect(url_for("accounts.profile"), code=303)


@bp.route("/compte/double-authentification", methods=["GET", "POST"])
@access("member")
@writes  # the enrolment's secret is stored on the first GET
@limiter.limit(_login_limit, methods=["POST"])
def enable_two_factor():
    user: User = current_user._get_current_object()
    if user.two_factor_enabled:
        return redirect(url_for("accounts.profile"), code=303)
    twofactor.begin_enrolment(user)
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        codes = twofactor.confirm_enrolment(user, form.code.data or "")
        if codes:
            services.audit("2fa.enabled", user, target=user)
            _sign_in(user, None)  # a stronger sign-in starts a fresh session
            db.session.commit()
            return _show_recovery_codes(codes, url_for("accounts.profile"))
        error = _("Ce code n’est pas valide. Vérifiez l’heure de votre téléphone et réessayez.")
    db.session.commit()
    return _setup_page(user, form, error, 422 if request.method == "POST" else 200, signing_in=False)


@bp.route("/compte/double-authentification/codes", methods=["GET", "POST"])
@access("member")
@limiter.limit(_login_limit, methods=["POST"])
def renew_recovery_codes():
    user: User = current_user._get_current_object()
    if not user.two_factor_enabled:
        return redirect(url_for("accounts.enable_two_factor"), code=303)
    form = ConfirmPasswordForm()
    error = None
    if form.validate_on_submit():
        if verify_password(user.password_hash, form.password.data or ""):
            codes = twofactor.new_recovery_codes(user)
            services.audit("2fa.recovery_codes_renewed", user, target=user)
            db.session.commit()
            return _show_recovery_codes(codes, url_for("accounts.profile"))
        error = _("Le mot de passe actuel est incorrect.")
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/renew_codes.html", form=form, error=error), status


@bp.route("/compte/double-authentification/desactiver", methods=["GET", "POST"])
@access("member")
@limiter.limit(_login_limit, methods=["POST"])
def disable_two_factor():
    user: User = current_user._get_current_object()
    if not user.two_factor_enabled or user.two_factor_required:
        return redirect(url_for("accounts.profile"), code=303)
    form = DisableTwoFactorForm()
    error = None
    if form.validate_on_submit():
        if verify_password(user.password_hash, form.password.data or "") and twofactor.verify_second_factor(
            user, form.code.data or ""
        ):
            twofactor.disable(user)
            services.audit("2fa.disabled", user, target=user)
            db.session.commit()
            flash(_("La double authentification est désactivée."), "success")
            return redirect(url_for("accounts.profile"), code=303)
        db.session.commit()  # a recovery code tried is spent either way
        error = _("Le mot de passe ou le code est incorrect.")
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/disable_two_factor.html", form=form, error=error), status
