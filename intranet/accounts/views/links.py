"""Pages reached by a link sent by email: asking for a new password, choosing it from the reset
link, and accepting an invitation (choosing one's first password)."""

from __future__ import annotations

from flask import current_app, flash, render_template, request, url_for
from flask_babel import gettext as _

from ...extensions import db, limiter
from ...security import access
from .. import FIRST_VISIT, services
from ..forms import ForgotForm, NewPasswordForm
from .common import begin_sign_in, bp, login_limit


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@access("public")
@limiter.limit(login_limit, methods=["POST"])
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
            response = begin_sign_in(user, url_for(first or "home.index"))
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
@limiter.limit(login_limit, methods=["POST"])
def reset_password(token: str):
    return _token_page("reset", token, "accounts/reset_password.html")
