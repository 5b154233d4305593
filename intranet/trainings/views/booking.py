"""Booking: registering (oneself or, for a coordinator, a colleague), cancelling, the invitation."""

from __future__ import annotations

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...accounts.models import User
from ...confirm import Confirmation, confirm_first
from ...extensions import db
from ...params import int_arg
from ...security import access, require, require_row
from ...urls import wants_fragment
from .. import policy, services
from ..ics import invitation as make_invitation
from ..models import Registration, RegistrationStatus
from .common import booking_response, bp, load_registration, load_session


@bp.route("/seances/<int:session_id>/inscription", methods=["POST"])
@access("member")
def register(session_id: int):
    s = load_session(session_id)
    person = current_user
    raw = request.form.get("user_id", "")
    if raw and raw != str(current_user.id):
        person_id = int_arg("user_id", source=request.form)
        require(person_id is not None)
        person = require_row(User, person_id)
        require(policy.can_act_for(current_user, person))
    try:
        registration = services.register(current_user, s, person)
    except services.TrainingError as exc:
        db.session.rollback()
        return booking_response(load_session(session_id), error=str(exc))
    db.session.commit()
    if registration.status == RegistrationStatus.CONFIRMED:
        message = (
            _("Inscription confirmée. Un courriel de confirmation suit.")
            if person.id == current_user.id
            else _("Inscription de %(name)s confirmée. Un courriel lui est envoyé.", name=person.name)
        )
    else:
        pos = services.position(registration)
        message = (
            _("La séance est complète : vous êtes sur la liste d’attente (position %(n)s).", n=pos)
            if person.id == current_user.id
            else _(
                "La séance est complète : %(name)s est sur la liste d’attente (position %(n)s).",
                name=person.name,
                n=pos,
            )
        )
    return booking_response(s, message=message)


def _back_from_cancel(registration: Registration) -> str:
    back = request.args.get("back")
    if back == "mine":
        return url_for("trainings.mine")
    if back == "participants":
        return url_for("trainings.participants", session_id=registration.session_id)
    return url_for("trainings.session", session_id=registration.session_id)


def _confirm_cancel(registration_id: int) -> Confirmation:
    """What cancelling a booking or leaving a waiting list does, said before it is done."""
    registration = load_registration(registration_id)
    own = registration.user_id == current_user.id
    name = registration.user.name
    if registration.status == RegistrationStatus.WAITING:
        n = services.position(registration)
        return Confirmation(
            question=_("Quitter la liste d’attente ?")
            if own
            else _("Retirer %(name)s de la liste d’attente ?", name=name),
            consequence=_(
                "Vous perdrez votre position (%(n)s) : si vous vous réinscrivez, ce sera à la fin de la liste.",  # noqa: E501
                n=n,
            )
            if own
            else _(
                "%(name)s perdra sa position (%(n)s) : une nouvelle inscription irait à la fin de la liste.",
                name=name,
                n=n,
            ),
            action=_("Quitter la liste d’attente") if own else _("Retirer %(name)s", name=name),
            back=_back_from_cancel(registration),
        )
    waiting = services.counts(registration.session_id)["waiting"]
    if own:
        consequence = (
            _("Votre place ira à la première personne de la liste d’attente.")
            if waiting
            else _("Votre place sera libérée pour une autre personne.")
        )
    else:
        consequence = (
            _("La place de %(name)s ira à la première personne de la liste d’attente.", name=name)
            if waiting
            else _("La place de %(name)s sera libérée pour une autre personne.", name=name)
        )
    return Confirmation(
        question=_("Annuler votre inscription ?")
        if own
        else _("Annuler l’inscription de %(name)s ?", name=name),
        consequence=consequence,
        notes=[] if own else [_("La personne en est prévenue par courriel.")],
        action=_("Annuler mon inscription") if own else _("Annuler pour %(name)s", name=name),
        back=_back_from_cancel(registration),
    )


@bp.route("/inscriptions/<int:registration_id>/annulation", methods=["GET", "POST"])
@access("member")
@confirm_first(_confirm_cancel)
def cancel(registration_id: int):
    registration = load_registration(registration_id)
    session_id = registration.session_id
    s = load_session(session_id)
    try:
        services.cancel_registration(current_user, registration)
    except services.TrainingError as exc:
        db.session.rollback()
        return booking_response(load_session(session_id), error=str(exc))
    db.session.commit()
    back = request.form.get("back")
    if back == "mine" and not wants_fragment():
        flash(_("Inscription annulée."), "success")
        return redirect(url_for("trainings.mine"), code=303)
    if back == "participants" and not wants_fragment():
        flash(_("Inscription annulée."), "success")
        return redirect(url_for("trainings.participants", session_id=session_id), code=303)
    return booking_response(s, message=_("Inscription annulée."))


@bp.route("/seances/<int:session_id>/invitation.ics")
@access("member")
def invitation(session_id: int):
    s = load_session(session_id)
    mine = services.registration_of(s.id, current_user.id)
    require(mine is not None and mine.status == RegistrationStatus.CONFIRMED)
    body = make_invitation(s, page_url=url_for("trainings.session", session_id=s.id, _external=True))
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="seance-{s.id}.ics"'},
    )
