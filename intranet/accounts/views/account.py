"""A person's own account: name and language, changing the password, ending their other sessions."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ...extensions import db, limiter
from ...security import access
from .. import services, twofactor
from ..forms import ChangePasswordForm, ProfileForm
from ..models import User, UserSession
from ..passwords import verify_password
from .common import SESSION_KEY, bp, login_limit, sign_in


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
@limiter.limit(login_limit)
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
                sign_in(user, None)  # every other session ended; this one starts afresh
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
