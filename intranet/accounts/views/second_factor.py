"""A person's own two-factor sign-in: turning it on, renewing the recovery codes, turning it off
(unless their role requires it)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...database import writes
from ...extensions import db, limiter
from ...security import access
from .. import services, twofactor
from ..forms import CodeForm, ConfirmPasswordForm, DisableTwoFactorForm
from ..models import User
from ..passwords import verify_password
from .common import bp, login_limit, setup_page, show_recovery_codes, sign_in


@bp.route("/compte/double-authentification", methods=["GET", "POST"])
@access("member")
@writes  # the enrolment's secret is stored on the first GET
@limiter.limit(login_limit, methods=["POST"])
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
            sign_in(user, None)  # a stronger sign-in starts a fresh session
            db.session.commit()
            return show_recovery_codes(codes, url_for("accounts.profile"))
        error = _("Ce code n’est pas valide. Vérifiez l’heure de votre téléphone et réessayez.")
    db.session.commit()
    return setup_page(user, form, error, 422 if request.method == "POST" else 200, signing_in=False)


@bp.route("/compte/double-authentification/codes", methods=["GET", "POST"])
@access("member")
@limiter.limit(login_limit, methods=["POST"])
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
            return show_recovery_codes(codes, url_for("accounts.profile"))
        error = _("Le mot de passe actuel est incorrect.")
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/renew_codes.html", form=form, error=error), status


@bp.route("/compte/double-authentification/desactiver", methods=["GET", "POST"])
@access("member")
@limiter.limit(login_limit, methods=["POST"])
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
