"""The first visit (issue 17): right after accepting an invitation, a new person is asked how much
the network's emails may say (beside a preview of their email at that level) and how often the
digest comes. Saving records both; skipping keeps the network's defaults and writes nothing. The
accounts package sends the person here once, after the invitation is accepted
(``app.extensions[accounts.FIRST_VISIT]``); the page itself stays reachable, like the preferences.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..security import access, require
from . import email_preview, services
from .forms import NETWORK_DEFAULT, WelcomeForm
from .models import Frequency
from .policy import can_edit_preferences
from .views import bp, level_context, shown_level


@bp.route("/bienvenue", methods=["GET", "POST"])
@access("member")
def welcome():
    require(can_edit_preferences(current_user))
    pref = services.effective_preferences(current_user)
    form = WelcomeForm()
    if request.method == "GET":
        form.frequency.data = pref.frequency.value
        form.email_level.data = pref.email_level or NETWORK_DEFAULT
    elif form.validate_on_submit():
        chosen = form.email_level.data
        services.save_first_choices(
            current_user,
            frequency=Frequency(form.frequency.data),
            email_level=None if chosen in (None, NETWORK_DEFAULT) else chosen,
        )
        db.session.commit()
        flash(_("Vos choix sont enregistrés. Vous pourrez les changer dans vos préférences."), "success")
        return redirect(url_for("home.index"), code=303)
    asked, level = shown_level(form, pref)
    return (
        render_template(
            "notifications/welcome.html",
            form=form,
            preview=email_preview.build(current_user, level),
            asked=asked,
            **level_context(),
        ),
        422 if request.method == "POST" else 200,
    )
