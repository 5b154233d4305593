"""Co-signing: staff open and close it; a coordinator signs for their organization or withdraws."""

from __future__ import annotations

from flask import flash, render_template, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from ...confirm import Confirmation, confirm_first
from ...extensions import db
from ...security import access
from ...urls import wants_fragment
from .. import policy, services
from ..forms import CosignOpenForm
from ..models import Position
from .common import back_to, bp, load_position, today


@bp.route("/<int:position_id>/cosignature/ouvrir", methods=["POST"])
@access("staff")
def cosign_open(position_id: int):
    position = load_position(position_id, for_update=True)
    form = CosignOpenForm()
    if not form.validate_on_submit():
        flash(_("Indiquez une date de clôture valide."), "error")
        return back_to(position, "cosignature")
    try:
        closes_on = form.closes_on.data
        assert closes_on is not None  # DataRequired
        services.open_cosigning(current_user, position, closes_on, today())
    except services.AdvocacyError as exc:
        db.session.rollback()
        flash(str(exc.args[0]), "error")
        return back_to(position, "cosignature")
    db.session.commit()
    flash(
        _("Cosignature ouverte jusqu’au %(date)s.", date=format_date(form.closes_on.data, "long")), "success"
    )
    return back_to(position, "cosignature")


@bp.route("/<int:position_id>/cosignature/fermer", methods=["POST"])
@access("staff")
def cosign_close(position_id: int):
    position = load_position(position_id, for_update=True)
    try:
        services.close_cosigning(current_user, position)
    except services.AdvocacyError as exc:
        db.session.rollback()
        flash(str(exc.args[0]), "error")
        return back_to(position, "cosignature")
    db.session.commit()
    flash(_("Cosignature fermée."), "success")
    return back_to(position, "cosignature")


def _cosign_response(position: Position, message: str, ok: bool):
    if wants_fragment():
        return render_template(
            "advocacy/_cosign.html",
            position=position,
            signatures=services.signatories(position),
            my_signature=services.signature_of(position, current_user.organization_id),
            can_sign=policy.can_sign(current_user, position, today()),
            cosigning_open=policy.cosigning_is_open(position, today()),
            can_manage_cosigning=policy.can_manage_cosigning(current_user, position),
            cosign_form=CosignOpenForm(),
            message=message,
        ), (200 if ok else 422)
    flash(message, "success" if ok else "error")
    return back_to(position, "cosignature")


def _confirm_sign(position_id: int) -> Confirmation:
    position = load_position(position_id)
    org = current_user.organization.name
    return Confirmation(
        question=_("Signer au nom de %(org)s ?", org=org),
        consequence=_(
            "%(org)s figurera parmi les cosignataires de ce texte, aux yeux de tout le réseau et dans "
            "le dossier remis aux décideurs.",
            org=org,
        ),
        action=_("Signer au nom de %(org)s", org=org),
        back=url_for("advocacy.show", position_id=position.id, _anchor="cosignature"),
    )


def _confirm_withdraw(position_id: int) -> Confirmation:
    position = load_position(position_id)
    org = current_user.organization.name
    return Confirmation(
        question=_("Retirer la signature de %(org)s ?", org=org),
        consequence=_("%(org)s ne figurera plus parmi les cosignataires de ce texte.", org=org),
        notes=[_("Vous pourrez signer de nouveau tant que la cosignature est ouverte.")],
        action=_("Retirer la signature de %(org)s", org=org),
        back=url_for("advocacy.show", position_id=position.id, _anchor="cosignature"),
    )


@bp.route("/<int:position_id>/cosignature/signer", methods=["GET", "POST"])
@access("coordinator")
@confirm_first(_confirm_sign)
def sign(position_id: int):
    position = load_position(position_id, for_update=True)
    try:
        services.sign(current_user, position, today())
    except services.AdvocacyError as exc:
        db.session.rollback()
        return _cosign_response(position, str(exc.args[0]), False)
    db.session.commit()
    return _cosign_response(
        position, _("%(org)s cosigne ce texte.", org=current_user.organization.name), True
    )


@bp.route("/<int:position_id>/cosignature/retirer", methods=["GET", "POST"])
@access("coordinator")
@confirm_first(_confirm_withdraw)
def withdraw(position_id: int):
    position = load_position(position_id, for_update=True)
    try:
        services.withdraw(current_user, position, today())
    except services.AdvocacyError as exc:
        db.session.rollback()
        return _cosign_response(position, str(exc.args[0]), False)
    db.session.commit()
    return _cosign_response(position, _("Signature retirée."), True)
