"""Management (staff): trainings, their sessions, cancelling a session."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ...confirm import Confirmation, confirm_first, confirmation_page
from ...extensions import db
from ...guard import record_confirmed
from ...security import access, require, require_row
from .. import services
from ..forms import CancelSessionForm, SessionForm, TrainingForm
from ..models import SessionFormat, Training, TrainingSession
from .common import bp


@bp.route("/gestion")
@access("staff")
def manage():
    trainings, upcoming = services.trainings_overview()
    return render_template("trainings/manage.html", trainings=trainings, upcoming=upcoming)


def _training_form_page(training: Training | None):
    form = TrainingForm(obj=training)
    form.themes.choices = services.theme_choices(training)
    if request.method == "GET" and training is not None:
        form.themes.data = [t.id for t in training.themes]
    error = None
    if form.validate_on_submit():
        saved = services.save_training(
            current_user,
            training,
            title=form.title.data or "",
            description=form.description.data or "",
            audience=form.audience.data or "",
            trainer=form.trainer.data or "",
            language=form.language.data,
            theme_ids=[int(t) for t in form.themes.data or []],
            published=form.published.data,
        )
        record_confirmed(form, user=current_user, obj=saved)
        db.session.commit()
        flash(_("Formation enregistrée : %(title)s", title=saved.title), "success")
        return redirect(url_for("trainings.edit_training", training_id=saved.id), code=303)
    status = 422 if request.method == "POST" else 200
    sessions = training.sessions if training is not None else []
    counts = services.confirmed_counts([s.id for s in sessions])
    return (
        render_template(
            "trainings/training_form.html",
            form=form,
            training=training,
            error=error,
            sessions=sessions,
            counts=counts,
        ),
        status,
    )


@bp.route("/gestion/nouvelle", methods=["GET", "POST"])
@access("staff")
def new_training():
    return _training_form_page(None)


@bp.route("/gestion/<int:training_id>", methods=["GET", "POST"])
@access("staff")
def edit_training(training_id: int):
    training = require_row(Training, training_id)
    return _training_form_page(training)


def _session_form(session: TrainingSession | None) -> SessionForm:
    form = SessionForm()
    form.region_id.choices = [("", _("— aucune (en ligne) —")), *services.region_choices()]
    form.allowed_sectors.choices = [(k, str(v)) for k, v in services.sector_names().items()]
    form.allowed_roles.choices = [
        (k, str(v)) for k, v in services.role_names().items() if k in ("member", "coordinator")
    ]
    if request.method == "GET" and session is not None:
        local = services.to_local
        form.starts_at.data = local(session.starts_at).replace(tzinfo=None)
        form.ends_at.data = local(session.ends_at).replace(tzinfo=None)
        form.format.data = session.format.value
        form.region_id.data = session.region_id
        form.town.data = session.town
        form.room_details.data = session.room_details
        form.online_url.data = session.online_url
        form.capacity.data = session.capacity
        form.registration_opens_at.data = (
            local(session.registration_opens_at).replace(tzinfo=None)
            if session.registration_opens_at
            else None
        )
        form.registration_deadline.data = local(session.registration_deadline).replace(tzinfo=None)
        form.allowed_sectors.data = list(session.allowed_sectors or [])
        form.allowed_roles.data = list(session.allowed_roles or [])
    return form


def _session_data(form: SessionForm) -> services.SessionData:
    """Read a validated form: its required fields have their value."""
    conv = services.local_to_utc
    assert form.starts_at.data is not None and form.ends_at.data is not None  # InputRequired
    return services.SessionData(
        starts_at=conv(form.starts_at.data),
        ends_at=conv(form.ends_at.data),
        format=SessionFormat(form.format.data),
        region_id=form.region_id.data,
        town=form.town.data or "",
        room_details=form.room_details.data or "",
        online_url=form.online_url.data or "",
        capacity=form.capacity.data or 0,
        registration_opens_at=conv(form.registration_opens_at.data)
        if form.registration_opens_at.data
        else None,
        registration_deadline=conv(form.registration_deadline.data)
        if form.registration_deadline.data
        else None,
        allowed_sectors=list(form.allowed_sectors.data or []),
        allowed_roles=list(form.allowed_roles.data or []),
    )


@bp.route("/gestion/<int:training_id>/seances/nouvelle", methods=["GET", "POST"])
@access("staff")
def new_session(training_id: int):
    training = require_row(Training, training_id)
    form = _session_form(None)
    error = None
    if form.validate_on_submit():
        try:
            created = services.create_session(current_user, training, _session_data(form))
            record_confirmed(form, user=current_user, obj=created)
        except services.TrainingError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            db.session.commit()
            flash(_("Séance ajoutée."), "success")
            return redirect(url_for("trainings.participants", session_id=created.id), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "trainings/session_form.html", form=form, training=training, session=None, error=error
    ), status


@bp.route("/gestion/seances/<int:session_id>", methods=["GET", "POST"])
@access("staff")
def edit_session(session_id: int):
    s = require_row(TrainingSession, session_id)
    form = _session_form(s)
    error = None
    if form.validate_on_submit():
        try:
            promoted = services.update_session(current_user, s, _session_data(form))
            record_confirmed(form, user=current_user, obj=s)
        except services.TrainingError as exc:
            db.session.rollback()
            error = str(exc)
            s = require_row(TrainingSession, session_id)
        else:
            db.session.commit()
            flash(_("Séance enregistrée."), "success")
            if promoted:
                flash(
                    ngettext_promoted(len(promoted)),
                    "success",
                )
            return redirect(url_for("trainings.participants", session_id=s.id), code=303)
    status = 422 if request.method == "POST" else 200
    return _session_page(s, form, status, error=error)


def _session_page(s: TrainingSession, form: SessionForm, status: int, error=None, cancel_form=None):
    return (
        render_template(
            "trainings/session_form.html",
            form=form,
            training=s.training,
            session=s,
            error=error,
            cancel_form=cancel_form or CancelSessionForm(formdata=None),
        ),
        status,
    )


def ngettext_promoted(n: int) -> str:
    return ngettext(
        "%(num)s personne de la liste d’attente a reçu une place.",
        "%(num)s personnes de la liste d’attente ont reçu une place.",
        n,
    )


def _confirm_cancel_session(session_id: int, form: CancelSessionForm | None = None) -> Confirmation:
    s = require_row(TrainingSession, session_id)
    require(not s.is_cancelled)
    counts = services.counts(s.id)
    people = counts["confirmed"] + counts["waiting"]
    return Confirmation(
        question=_("Annuler la séance ?"),
        consequence=ngettext(
            "%(num)s personne inscrite ou en attente perd sa place et reçoit un courriel. C’est définitif.",
            "Les %(num)s personnes inscrites ou en attente perdent leur place et reçoivent un courriel. C’est définitif.",  # noqa: E501
            people,
        )
        if people
        else _("Personne n’est inscrit pour l’instant. C’est définitif."),
        action=_("Annuler la séance"),
        back=url_for("trainings.edit_session", session_id=s.id),
        form=form or CancelSessionForm(formdata=None),
    )


@bp.route("/gestion/seances/<int:session_id>/annulation", methods=["GET", "POST"])
@access("staff")
@confirm_first(_confirm_cancel_session)
def cancel_session(session_id: int):
    s = require_row(TrainingSession, session_id)
    form = CancelSessionForm()
    if not form.validate_on_submit():
        return confirmation_page(_confirm_cancel_session(session_id, form), 422)
    try:
        told = services.cancel_session(current_user, s, form.reason.data or "")
        record_confirmed(form, user=current_user, obj=s)
    except services.TrainingError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("trainings.participants", session_id=session_id), code=303)
    db.session.commit()
    flash(_("Séance annulée. Personnes prévenues : %(n)s.", n=told), "success")
    return redirect(url_for("trainings.participants", session_id=session_id), code=303)
