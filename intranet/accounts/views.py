from __future__ import annotations

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
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user

from ..database import read_intent, write_intent
from ..extensions import db, limiter, login_manager
from ..security import access
from ..urls import safe_next
from . import services
from .forms import ChangePasswordForm, ForgotForm, LoginForm, NewPasswordForm, ProfileForm
from .models import User, UserSession

bp = Blueprint("accounts", __name__)

SESSION_KEY = "sid"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        uid = int(user_id)
    except ValueError:
        return None
    record = services.load_session(session.get(SESSION_KEY), uid)
    if record is None or not record.user.active:
        return None
    if services.touch_session(record):
        # Refresh the idle timer in its own short write transaction.
        seen = record.last_seen_at
        db.session.rollback()
        write_intent()
        db.session.execute(
            sa.update(UserSession).where(UserSession.id == record.id).values(last_seen_at=seen)
        )
        db.session.commit()
        if request.method in ("GET", "HEAD"):
            read_intent()
        return db.session.get(User, uid)
    return record.user


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _sign_in(user: User) -> None:
    # A fresh session at sign-in: nothing from before survives (session fixation).
    session.clear()
    token = services.start_session(user, request.headers.get("User-Agent", ""))
    session[SESSION_KEY] = token
    session.permanent = True
    session["lang"] = user.locale
    login_user(user)


def _sign_out() -> None:
    services.end_session(session.get(SESSION_KEY))
    logout_user()
    session.clear()


@bp.route("/connexion", methods=["GET", "POST"])
@access("public")
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm(next=request.args.get("next", ""))
    error = None
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            _sign_in(user)
            db.session.commit()
            return redirect(safe_next(form.next.data, url_for("home.index")), code=303)
        db.session.rollback()
        error = _("Courriel ou mot de passe incorrect.")
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/login.html", form=form, error=error), status


@bp.route("/deconnexion", methods=["POST"])
@access("member")
def logout():
    _sign_out()
    db.session.commit()
    flash(_("Vous êtes déconnectée."), "info")
    return redirect(url_for("accounts.login"), code=303)


@bp.route("/sortie")
@access("public")
def quick_exit():
    """Quick exit: end the session, ask the browser to clear what it can, leave for a neutral site."""
    if current_user.is_authenticated:
        _sign_out()
        db.session.commit()
    else:
        session.clear()
    response = make_response(redirect(current_app.config["QUICK_EXIT_URL"], code=303))
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@access("public")
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password():
    form = ForgotForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
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
                services.accept_invitation(user, form.password.data)
            else:
                services.set_password(user, form.password.data)
        except services.AccountError as exc:
            error = str(exc)
        else:
            _sign_in(user)
            db.session.commit()
            flash(_("Votre mot de passe est enregistré. Bienvenue !"), "success")
            return redirect(url_for("home.index"), code=303)
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
        user.name = form.name.data.strip()
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
        from .passwords import verify_password

        if not verify_password(user.password_hash, password_form.current.data):
            error = _("Le mot de passe actuel est incorrect.")
        else:
            try:
                services.set_password(user, password_form.password.data)
            except services.AccountError as exc:
                error = str(exc)
            else:
                _sign_in(user)  # every other session ended; this one starts afresh
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
        ),
        422,
    )


@bp.route("/compte/sessions/fermer", methods=["POST"])
@access("member")
def end_other_sessions():
    count = services.end_all_sessions(current_user, except_token=session.get(SESSION_KEY))
    db.session.commit()
    flash(ngettext("%(num)s autre session fermée.", "%(num)s autres sessions fermées.", count), "success")
    return redirect(url_for("accounts.profile"), code=303)
