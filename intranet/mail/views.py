"""The administrator's page for what emails may say (issue 9)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from .. import events
from ..extensions import db
from ..security import access
from . import privacy
from .forms import settings_form_class
from .privacy import CONTENT_KINDS, LOCALES, Level

bp = Blueprint("mail", __name__, url_prefix="/gestion")


def _defaults() -> dict:
    """The built-in neutral texts, shown as placeholders: an empty field means "this one"."""
    defaults = {}
    kinds = privacy.email_kinds()
    for locale in LOCALES:
        with force_locale(locale):
            defaults[f"sender_{locale}"] = str(privacy.DEFAULT_SENDER_NAME)
            for key, kind in kinds.items():
                defaults[f"subject_{key}_{locale}"] = str(kind.subject)
    return defaults


@bp.route("/courriels", methods=["GET", "POST"])
@access("admin")
def settings():
    form = settings_form_class()()
    current = privacy.settings()
    kinds = privacy.email_kinds()
    if request.method == "GET":
        form.default_level.data = current.default_level.value
        for key in CONTENT_KINDS:
            form[f"cap_{key}"].data = current.cap(key).value
        for locale in LOCALES:
            form[f"sender_{locale}"].data = current.sender_names.get(locale, "")
            for key in kinds:
                form[f"subject_{key}_{locale}"].data = (current.subjects.get(key) or {}).get(locale, "")
    elif form.validate_on_submit():
        privacy.save_settings(
            current_user,
            default_level=Level(form.default_level.data),
            caps={key: Level(form[f"cap_{key}"].data) for key in CONTENT_KINDS},
            sender_names={locale: form[f"sender_{locale}"].data or "" for locale in LOCALES},
            subjects={
                key: {locale: form[f"subject_{key}_{locale}"].data or "" for locale in LOCALES}
                for key in kinds
            },
        )
        events.audit.send(
            None,
            action="mail.settings_changed",
            actor_id=current_user.id,
            organization_id=None,
            target_type="mail_settings",
            target_id=1,
            details={},
        )
        db.session.commit()
        flash(_("Les réglages des courriels sont enregistrés."), "success")
        return redirect(url_for("mail.settings"), code=303)
    status = 422 if request.method == "POST" else 200
    return (
        render_template(
            "mail/settings.html",
            form=form,
            defaults=_defaults(),
            content_kinds=CONTENT_KINDS,
            email_kinds=kinds,
            locales=LOCALES,
        ),
        status,
    )
