"""A text's documents: the PDF brief and the attachments."""

from __future__ import annotations

from flask import current_app, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...confirm import Confirmation, confirm_first
from ...extensions import db
from ...files.services import send_stored_file
from ...guard import record_confirmed
from ...security import access, require, require_row
from ...urls import wants_fragment
from .. import policy, services
from ..forms import AttachmentForm
from ..models import Attachment, Position
from .common import back_to, bp, load_position, show_page


@bp.route("/<int:position_id>/dossier", methods=["POST"])
@access("member")
def brief(position_id: int):
    position = load_position(position_id)
    require(policy.can_request_brief(current_user, position))
    task = services.request_brief(current_user, position, cover=request.form.get("cover") == "1")
    db.session.commit()
    task = services.wait_for_brief(task, current_app.config.get("ADVOCACY_BRIEF_WAIT", 1.5))
    if wants_fragment():
        return render_template("advocacy/_brief.html", position=position, task=task, can_request_brief=True)
    return back_to(position, "dossier")


# --- attachments -------------------------------------------------------------------------------


def _attachment(position: Position, attachment_id: int) -> Attachment:
    attachment = require_row(Attachment, attachment_id)
    require(attachment.position_id == position.id)
    return attachment


@bp.route("/<int:position_id>/pieces-jointes", methods=["POST"])
@access("member")
def attach(position_id: int):
    position = load_position(position_id, for_update=True)
    require(policy.can_manage_attachments(current_user, position))
    form = AttachmentForm()
    if not form.validate_on_submit():
        if form.guard_findings:
            return show_page(position, 422, attachment_form=form)
        flash(" ".join(str(e) for e in form.file.errors) or _("Choisissez un fichier."), "error")
        return back_to(position, "pieces-jointes")
    try:
        attachment = services.add_attachment(current_user, position, form.file.data)
        record_confirmed(form, user=current_user, obj=attachment)
    except services.AdvocacyError as exc:
        db.session.rollback()
        flash(str(exc.args[0]), "error")
        return back_to(position, "pieces-jointes")
    db.session.commit()
    flash(_("Pièce jointe ajoutée : %(name)s", name=attachment.file.original_name), "success")
    return back_to(position, "pieces-jointes")


@bp.route("/<int:position_id>/pieces-jointes/<int:attachment_id>")
@access("member")
def attachment(position_id: int, attachment_id: int):
    position = load_position(position_id)
    return send_stored_file(_attachment(position, attachment_id).file)


def _confirm_detach(position_id: int, attachment_id: int) -> Confirmation:
    position = load_position(position_id)
    require(policy.can_manage_attachments(current_user, position))
    item = _attachment(position, attachment_id)
    return Confirmation(
        question=_("Retirer la pièce jointe « %(name)s » ?", name=item.file.original_name),
        consequence=_("Le fichier sera supprimé : il faudra l’envoyer de nouveau pour le joindre."),
        action=_("Retirer la pièce jointe"),
        back=url_for("advocacy.show", position_id=position.id, _anchor="pieces-jointes"),
    )


@bp.route("/<int:position_id>/pieces-jointes/<int:attachment_id>/supprimer", methods=["GET", "POST"])
@access("member")
@confirm_first(_confirm_detach)
def detach(position_id: int, attachment_id: int):
    position = load_position(position_id, for_update=True)
    require(policy.can_manage_attachments(current_user, position))
    item = _attachment(position, attachment_id)
    name = item.file.original_name
    services.remove_attachment(current_user, item)
    db.session.commit()
    flash(_("Pièce jointe retirée : %(name)s", name=name), "success")
    return back_to(position, "pieces-jointes")
