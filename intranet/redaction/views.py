"""The confirmation page of a redaction: GET states the consequence, POST acts (then 303)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..security import access, require
from . import policy, services
from .forms import RedactForm

bp = Blueprint("redaction", __name__, url_prefix="/retrait")


def _field_labels() -> dict[str, str]:
    """The stored fields' names, in the reader's language."""
    return {
        "title": _("Titre"),
        "summary": _("Résumé"),
        "body": _("Texte"),
        "audience": _("Public visé"),
        "addressee": _("Destinataire"),
        "demands": _("Revendications"),
    }


@bp.route("/<kind>/<int:object_id>", methods=["GET", "POST"])
@access("member")
def confirm(kind: str, object_id: int):
    redactable, obj = services.load(kind, object_id)
    require(obj is not None and policy.can_redact(current_user, redactable, obj))
    form = RedactForm()
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                services.redact(current_user, kind, obj, form.passage.data)
            except services.RedactionError as exc:
                form.passage.errors = [*form.passage.errors, str(exc)]
            else:
                db.session.commit()
                flash(_("Le texte a été retiré. Seule la mention de son retrait reste."), "success")
                return redirect(redactable.back(obj), code=303)
    fields = [(_field_labels().get(name, name), getattr(obj, name)) for name in redactable.fields]
    return render_template(
        "redaction/confirm.html",
        form=form,
        kind=redactable,
        obj=obj,
        fields=fields,
        description=redactable.description(obj),
        back=redactable.back(obj),
    ), status
