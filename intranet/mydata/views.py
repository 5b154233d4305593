"""My data: see what Passerelle holds about me, download it, close my account."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from ..accounts.models import User
from ..accounts.passwords import verify_password
from ..audit.labels import label
from ..extensions import db, limiter
from ..security import access
from . import services
from .forms import CloseAccountForm
from .labels import table_label

bp = Blueprint("mydata", __name__, url_prefix="/mes-donnees")


@bp.context_processor
def _labels():
    return {"table_label": table_label, "action_label": label}


def _page(form: CloseAccountForm, error: str | None = None, status: int = 200):
    user: User = current_user._get_current_object()
    return (
        render_template(
            "mydata/index.html",
            profile=services.profile(user),
            tables=services.inventory(user, with_rows=False),
            events=services.audit_about(user, limit=10),
            form=form,
            error=error,
        ),
        status,
    )


@bp.route("")
@access("member")
def index():
    return _page(CloseAccountForm())


@bp.route("/telecharger", methods=["POST"])
@access("member")
def download():
    data = services.export_json(current_user._get_current_object())
    db.session.commit()
    response = current_app.response_class(data, mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="mes-donnees-passerelle.json"'
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/fermer", methods=["POST"])
@access("member")
@limiter.limit(_limit)
def close():
    user: User = current_user._get_current_object()
    form = CloseAccountForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    if not verify_password(user.password_hash, form.password.data or ""):
        return _page(form, _("Le mot de passe actuel est incorrect."), 422)
    try:
        services.close_account(user)
    except services.ClosingError as exc:
        db.session.rollback()
        return _page(form, str(exc), 422)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Votre compte est fermé. Merci d’avoir contribué au réseau."), "info")
    return redirect(url_for("accounts.login"), code=303)
