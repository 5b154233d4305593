"""Management (staff): the managed list of themes."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...confirm import Confirmation, confirm_first
from ...extensions import db
from ...guard import record_confirmed
from ...security import access, require
from .. import services
from ..forms import ThemeForm
from ..models import PracticeTheme
from .common import bp


@bp.route("/themes", methods=["GET", "POST"])
@access("staff")
def themes():
    form = ThemeForm()
    error = None
    if form.validate_on_submit():
        try:
            theme = services.save_theme(current_user, None, form.name_fr.data, form.name_en.data)
            record_confirmed(form, user=current_user, obj=theme)
        except services.PracticeError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            db.session.commit()
            flash(_("Thème ajouté."), "success")
            return redirect(url_for("practices.themes"), code=303)
    status = 422 if request.method == "POST" else 200
    return (
        render_template(
            "practices/themes.html", themes=services.list_themes(active_only=False), form=form, error=error
        ),
        status,
    )


@bp.route("/themes/<int:theme_id>", methods=["GET", "POST"])
@access("staff")
def theme(theme_id: int):
    item = db.session.get(PracticeTheme, theme_id)
    require(item is not None)
    form = ThemeForm(obj=item) if request.method == "GET" else ThemeForm()
    error = None
    if form.validate_on_submit():
        try:
            services.save_theme(current_user, item, form.name_fr.data, form.name_en.data)
            record_confirmed(form, user=current_user, obj=item)
        except services.PracticeError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            db.session.commit()
            flash(_("Thème renommé."), "success")
            return redirect(url_for("practices.themes"), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("practices/theme.html", theme=item, form=form, error=error), status


def _confirm_theme(theme_id: int) -> Confirmation:
    item = db.session.get(PracticeTheme, theme_id)
    require(item is not None)
    if not item.active:
        return Confirmation(
            question=_("Proposer de nouveau ce thème ?"),
            consequence=_("Il sera de nouveau proposé à qui décrit une pratique."),
            action=_("Proposer de nouveau"),
            back=url_for("practices.themes"),
        )
    return Confirmation(
        question=_("Retirer ce thème de la liste ?"),
        consequence=_("Il ne sera plus proposé pour les nouvelles pratiques ; celles qui l’ont le gardent."),
        action=_("Retirer de la liste"),
        back=url_for("practices.themes"),
    )


@bp.route("/themes/<int:theme_id>/actif", methods=["GET", "POST"])
@access("staff")
@confirm_first(_confirm_theme)
def toggle_theme(theme_id: int):
    item = db.session.get(PracticeTheme, theme_id)
    require(item is not None)
    services.toggle_theme(current_user, item)
    db.session.commit()
    flash(
        _("Thème réactivé.") if item.active else _("Thème retiré de la liste (les pratiques le gardent)."),
        "success",
    )
    return redirect(url_for("practices.themes"), code=303)
