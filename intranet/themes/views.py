"""Managing the themes list (staff): add, rename, retire and bring back."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..confirm import Confirmation, confirm_first
from ..extensions import db
from ..guard import record_confirmed
from ..security import access, require_row
from . import services
from .forms import ThemeForm
from .models import Theme

bp = Blueprint("themes", __name__, url_prefix="/themes")


def _usage() -> list[tuple[str, dict[int, int]]]:
    """(what, {theme id: how many}) for every feature that tags with themes."""
    return [(label, count()) for label, count in current_app.extensions.get("passerelle.theme_usage", [])]


@bp.route("/", methods=["GET", "POST"])
@access("staff")
def index():
    form = ThemeForm()
    error = None
    if form.validate_on_submit():
        try:
            theme = services.save_theme(current_user, None, form.name_fr.data or "", form.name_en.data or "")
            record_confirmed(form, user=current_user, obj=theme)
        except services.ThemeError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            db.session.commit()
            flash(_("Thème ajouté."), "success")
            return redirect(url_for("themes.index"), code=303)
    status = 422 if request.method == "POST" else 200
    themes = services.list_themes(active_only=False)
    return render_template("themes/index.html", themes=themes, usage=_usage(), form=form, error=error), status


def _get(theme_id: int) -> Theme:
    return require_row(Theme, theme_id)


@bp.route("/<int:theme_id>", methods=["GET", "POST"])
@access("staff")
def edit(theme_id: int):
    item = _get(theme_id)
    form = ThemeForm(obj=item) if request.method == "GET" else ThemeForm()
    error = None
    if form.validate_on_submit():
        try:
            services.save_theme(current_user, item, form.name_fr.data or "", form.name_en.data or "")
            record_confirmed(form, user=current_user, obj=item)
        except services.ThemeError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            db.session.commit()
            flash(_("Thème renommé."), "success")
            return redirect(url_for("themes.index"), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("themes/edit.html", theme=item, form=form, error=error), status


def _confirm_toggle(theme_id: int) -> Confirmation:
    item = _get(theme_id)
    if not item.active:
        return Confirmation(
            question=_("Proposer de nouveau ce thème ?"),
            consequence=_(
                "Il sera de nouveau proposé pour les pratiques, les formations et les prises de position."
            ),
            action=_("Proposer de nouveau"),
            back=url_for("themes.index"),
        )
    return Confirmation(
        question=_("Retirer ce thème de la liste ?"),
        consequence=_("Il ne sera plus proposé ; ce qui le porte déjà le garde."),
        action=_("Retirer de la liste"),
        back=url_for("themes.index"),
    )


@bp.route("/<int:theme_id>/actif", methods=["GET", "POST"])
@access("staff")
@confirm_first(_confirm_toggle)
def toggle(theme_id: int):
    item = _get(theme_id)
    services.toggle_theme(current_user, item)
    db.session.commit()
    flash(
        _("Thème réactivé.") if item.active else _("Thème retiré de la liste (ce qui le porte le garde)."),
        "success",
    )
    return redirect(url_for("themes.index"), code=303)
