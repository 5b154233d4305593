"""The network's settings page (administrator): the paper printed documents use."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField

from .. import events, network
from ..extensions import db
from ..security import access
from .views import bp


class NetworkSettingsForm(FlaskForm):
    paper_size = RadioField(_l("Format du papier des documents PDF"), choices=[])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        country = network.PAPER_SIZES[network.country_paper_size()]
        self.paper_size.choices = [
            ("", _l("Celui du pays du réseau : %(paper)s", paper=country)),
            *network.PAPER_SIZES.items(),
        ]


@bp.route("/reseau", methods=["GET", "POST"])
@access("admin")
def network_settings():
    form = NetworkSettingsForm(data={"paper_size": network.chosen_paper_size()})
    if form.validate_on_submit():
        network.save_paper_size(current_user.id, form.paper_size.data or "")
        events.audit.send(
            None,
            action="network.settings_changed",
            actor_id=current_user.id,
            organization_id=None,
            target_type="network_settings",
            target_id=1,
            details={"paper_size": form.paper_size.data or ""},
        )
        db.session.commit()
        flash(_("Les réglages du réseau sont enregistrés."), "success")
        return redirect(url_for("admin.network_settings"), code=303)
    return render_template("admin/network.html", form=form), 422 if form.errors else 200
