"""Trainings: the catalogue (list and month), a session's page and booking, my trainings, and
the staff's pages (trainings, sessions, participants, attendance, exports, certificates)."""

from __future__ import annotations

import calendar as pycalendar
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Region, Role, User
from ..confirm import Confirmation, confirm_first, confirmation_page
from ..csvexport import csv_response
from ..database import separate_write, utcnow, writes
from ..extensions import db
from ..guard import record_confirmed
from ..home.desk import DeskEntry, Waiting
from ..params import int_arg, int_list
from ..security import access, require
from ..tasks.services import submit_task
from ..text import slugify
from ..themes.services import choices as theme_choices
from ..urls import wants_fragment
from . import policy, services, waitlist
from .forms import CancelSessionForm, EvaluationForm, SessionForm, TrainingForm
from .models import Registration, RegistrationStatus, SessionFormat, Training, TrainingSession

bp = Blueprint("trainings", __name__, url_prefix="/formations")

PER_PAGE = 20


# --- helpers -------------------------------------------------------------------------------


def _month_arg(name: str = "mois") -> date | None:
    value = request.args.get(name, "")
    try:
        parsed = datetime.strptime(value, "%Y-%m")
    except ValueError:
        return None
    return date(parsed.year, parsed.month, 1) if 2000 <= parsed.year <= 2100 else None


def _filters() -> services.CatalogueFilter:
    fmt = request.args.get("format")
    return services.CatalogueFilter(
        region_id=int_arg("region"),
        theme_id=int_arg("theme"),
        format=fmt if fmt in (SessionFormat.IN_PERSON.value, SessionFormat.ONLINE.value) else None,
        month=_month_arg(),
    )


def _filter_args(f: services.CatalogueFilter) -> dict:
    args = {}
    if f.region_id:
        args["region"] = f.region_id
    if f.theme_id:
        args["theme"] = f.theme_id
    if f.format:
        args["format"] = f.format
    if f.month:
        args["mois"] = f.month.strftime("%Y-%m")
    return args


def _filter_choices() -> dict:
    return {
        "regions": db.session.execute(sa.select(Region.id, Region.name).order_by(Region.name)).all(),
        "themes": services.catalogue_theme_choices(),
    }


def _load_session(session_id: int) -> TrainingSession:
    session = db.session.get(TrainingSession, session_id)
    require(session is not None and policy.can_see_session(current_user, session))
    return session


def _load_registration(registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    require(registration is not None and policy.can_see_registration(current_user, registration))
    return registration


def _booking_context(
    session: TrainingSession, *, error: str | None = None, message: str | None = None
) -> dict:
    mine = services.registration_of(session.id, current_user.id)
    if mine is not None and mine.status == RegistrationStatus.CANCELLED:
        mine = None
    counts = services.counts(session.id)
    return {
        "session": session,
        "mine": mine,
        "position": services.position(mine) if mine else None,
        "seats_left": max(session.capacity - counts["confirmed"], 0),
        "waiting_count": counts["waiting"],
        "state": services.registration_state(session),
        "eligible": policy.is_eligible(current_user, session),
        "show_venue": policy.can_see_venue(current_user, mine),
        "colleagues": services.colleagues_to_register(current_user, session),
        "colleague_registrations": _colleague_registrations(session),
        "error": error,
        "message": message,
        "sector_names": services.sector_names(),
        "role_names": services.role_names(),
    }


def _colleague_registrations(session: TrainingSession) -> list[Registration]:
    """What a coordinator sees of their own organization's people for this session."""
    if current_user.role != Role.COORDINATOR:
        return []
    return list(
        db.session.scalars(
            sa.select(Registration)
            .join(User, User.id == Registration.user_id)
            .where(
                Registration.session_id == session.id,
                Registration.status != RegistrationStatus.CANCELLED,
                User.organization_id == current_user.organization_id,
                User.id != current_user.id,
            )
            .order_by(User.name)
        ).all()
    )


def _booking_response(session: TrainingSession, *, error=None, message=None):
    """After a booking action: the fragment for htmx (errors shown inside it, since htmx does not
    swap 4xx answers), a redirect after success, or the page again with 422 on a refusal."""
    if wants_fragment():
        return render_template(
            "trainings/_booking.html", **_booking_context(session, error=error, message=message)
        )
    if error is None:
        flash(message, "success")
        return redirect(url_for("trainings.session", session_id=session.id), code=303)
    return render_template("trainings/session.html", **_booking_context(session, error=error)), 422


# --- catalogue -----------------------------------------------------------------------------


@bp.route("/")
@access("member")
def index():
    f = _filters()
    page = int_arg("page", 1)
    sessions, total = services.catalogue(f, page=page, per_page=PER_PAGE)
    ids = [s.id for s in sessions]
    context = {
        "sessions": sessions,
        "total": total,
        "page": page,
        "pages": max((total + PER_PAGE - 1) // PER_PAGE, 1),
        "filters": f,
        "args": _filter_args(f),
        "seats": services.seats_left(sessions),
        "mine": services.registrations_of(current_user.id, ids),
    }
    if wants_fragment():
        return render_template("trainings/_results.html", **context)
    return render_template("trainings/index.html", **context, **_filter_choices())


@bp.route("/calendrier")
@access("member")
def month():
    f = _filters()
    today = services.to_local(utcnow()).date()
    shown = f.month or today.replace(day=1)
    sessions = services.month_sessions(f, shown)
    by_day: dict[date, list[TrainingSession]] = {}
    for s in sessions:
        by_day.setdefault(services.to_local(s.starts_at).date(), []).append(s)
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(shown.year, shown.month)
    previous = (shown - timedelta(days=1)).replace(day=1)
    following = (shown + timedelta(days=32)).replace(day=1)
    args = _filter_args(f)
    args.pop("mois", None)
    context = {
        "shown": shown,
        "weeks": weeks,
        "by_day": by_day,
        "today": today,
        "filters": f,
        "args": args,
        "previous": previous,
        "following": following,
        "seats": services.seats_left(sessions),
        "count": len(sessions),
    }
    if wants_fragment():
        return render_template("trainings/_calendar.html", **context)
    return render_template("trainings/calendar.html", **context, **_filter_choices())


@bp.route("/seances/<int:session_id>")
@access("member")
def session(session_id: int):
    s = _load_session(session_id)
    if wants_fragment():
        return render_template("trainings/_booking.html", **_booking_context(s))
    return render_template("trainings/session.html", **_booking_context(s))


# --- booking -------------------------------------------------------------------------------


@bp.route("/seances/<int:session_id>/inscription", methods=["POST"])
@access("member")
def register(session_id: int):
    s = _load_session(session_id)
    person = current_user
    raw = request.form.get("user_id", "")
    if raw and raw != str(current_user.id):
        person_id = int_arg("user_id", source=request.form)
        require(person_id is not None)
        person = db.session.get(User, person_id)
        require(person is not None and policy.can_act_for(current_user, person))
    try:
        registration = services.register(current_user, s, person)
    except services.TrainingError as exc:
        db.session.rollback()
        return _booking_response(_load_session(session_id), error=str(exc))
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
    return _booking_response(s, message=message)


def _back_from_cancel(registration: Registration) -> str:
    back = request.args.get("back")
    if back == "mine":
        return url_for("trainings.mine")
    if back == "participants":
        return url_for("trainings.participants", session_id=registration.session_id)
    return url_for("trainings.session", session_id=registration.session_id)


def _confirm_cancel(registration_id: int) -> Confirmation:
    """What cancelling a booking or leaving a waiting list does, said before it is done."""
    registration = _load_registration(registration_id)
    own = registration.user_id == current_user.id
    name = registration.user.name
    if registration.status == RegistrationStatus.WAITING:
        n = services.position(registration)
        return Confirmation(
            question=_("Quitter la liste d’attente ?") if own else _("Retirer %(name)s de la liste d’attente ?", name=name),
            consequence=_("Vous perdrez votre position (%(n)s) : si vous vous réinscrivez, ce sera à la fin de la liste.", n=n)
            if own
            else _("%(name)s perdra sa position (%(n)s) : une nouvelle inscription irait à la fin de la liste.", name=name, n=n),
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
        question=_("Annuler votre inscription ?") if own else _("Annuler l’inscription de %(name)s ?", name=name),
        consequence=consequence,
        notes=[] if own else [_("La personne en est prévenue par courriel.")],
        action=_("Annuler mon inscription") if own else _("Annuler pour %(name)s", name=name),
        back=_back_from_cancel(registration),
    )


@bp.route("/inscriptions/<int:registration_id>/annulation", methods=["GET", "POST"])
@access("member")
@confirm_first(_confirm_cancel)
def cancel(registration_id: int):
    registration = _load_registration(registration_id)
    session_id = registration.session_id
    s = _load_session(session_id)
    try:
        services.cancel_registration(current_user, registration)
    except services.TrainingError as exc:
        db.session.rollback()
        return _booking_response(_load_session(session_id), error=str(exc))
    db.session.commit()
    back = request.form.get("back")
    if back == "mine" and not wants_fragment():
        flash(_("Inscription annulée."), "success")
        return redirect(url_for("trainings.mine"), code=303)
    if back == "participants" and not wants_fragment():
        flash(_("Inscription annulée."), "success")
        return redirect(url_for("trainings.participants", session_id=session_id), code=303)
    return _booking_response(s, message=_("Inscription annulée."))


@bp.route("/seances/<int:session_id>/invitation.ics")
@access("member")
def invitation(session_id: int):
    s = _load_session(session_id)
    mine = services.registration_of(s.id, current_user.id)
    require(mine is not None and mine.status == RegistrationStatus.CONFIRMED)
    from .ics import invitation as make_invitation

    body = make_invitation(s, page_url=url_for("trainings.session", session_id=s.id, _external=True))
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="seance-{s.id}.ics"'},
    )


# --- my trainings --------------------------------------------------------------------------


@bp.route("/mes-formations")
@access("member")
def mine():
    feed = services.feed_for(current_user, create=False)
    if feed is None:
        with separate_write():  # the first visit makes the calendar feed's address
            feed = services.feed_for(current_user)
    now = utcnow()
    registrations = services.my_registrations(current_user)
    upcoming = [r for r in registrations if r.session.ends_at >= now]
    upcoming.reverse()
    past = [r for r in registrations if r.session.ends_at < now]
    evaluated = {r.session_id for r in past if services.has_evaluated(current_user.id, r.session_id)}
    places = waitlist.positions(upcoming)
    return render_template(
        "trainings/mine.html",
        confirmed=[r for r in upcoming if r.status == RegistrationStatus.CONFIRMED],
        waiting=[(r, places[r.id]) for r in upcoming if r.id in places],
        past=[r for r in past if r.status == RegistrationStatus.CONFIRMED],
        evaluated=evaluated,
        now=now,
        feed_url=url_for("trainings.feed", token=feed.token, _external=True),
        can_evaluate=policy.can_evaluate,
    )


@bp.route("/mes-formations/agenda", methods=["POST"])
@access("member")
def rotate_feed():
    services.rotate_feed(current_user)
    db.session.commit()
    flash(_("Nouvelle adresse d’agenda créée : l’ancienne ne fonctionne plus."), "success")
    return redirect(url_for("trainings.mine"), code=303)


@bp.route("/agenda/<token>.ics")
@access("public")
def feed(token: str):
    user = services.feed_user(token)
    if user is None:
        abort(404)
    body = services.feed_ics(user)
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": "private, max-age=900"})


@bp.route("/seances/<int:session_id>/evaluation", methods=["GET", "POST"])
@access("member")
def evaluate(session_id: int):
    s = _load_session(session_id)
    mine = services.registration_of(s.id, current_user.id)
    require(policy.can_evaluate(current_user, mine, utcnow()))
    form = EvaluationForm()
    error = None
    if services.has_evaluated(current_user.id, s.id):
        flash(_("Vous avez déjà évalué cette séance. Merci !"), "success")
        return redirect(url_for("trainings.mine"), code=303)
    if form.validate_on_submit():
        try:
            evaluation = services.evaluate(current_user, mine, form.rating.data, form.comment.data)
            # Evaluations are anonymous for the team: the record names no one.
            record_confirmed(form, user=None, obj=evaluation)
        except services.TrainingError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            db.session.commit()
            flash(_("Merci pour votre évaluation."), "success")
            return redirect(url_for("trainings.mine"), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("trainings/evaluate.html", session=s, form=form, error=error), status


@bp.route("/inscriptions/<int:registration_id>/attestation.pdf")
@access("member")
def certificate(registration_id: int):
    registration = db.session.get(Registration, registration_id)
    require(
        registration is not None
        and policy.can_download_certificate(current_user, registration)
        and registration.certificate_path is not None
        and registration.attended is True
    )
    instance = Path(current_app.instance_path).resolve()
    path = (instance / registration.certificate_path).resolve()
    require(instance in path.parents and path.is_file())

    return send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"attestation-{slugify(registration.session.training.title, 50)}.pdf",
        max_age=0,
    )


# --- staff ---------------------------------------------------------------------------------


@bp.route("/gestion")
@access("staff")
def manage():
    trainings = db.session.scalars(sa.select(Training).order_by(Training.published, Training.title)).all()
    now = utcnow()
    upcoming = dict(
        db.session.execute(
            sa.select(TrainingSession.training_id, sa.func.count())
            .where(TrainingSession.starts_at >= now, TrainingSession.cancelled_at.is_(None))
            .group_by(TrainingSession.training_id)
        ).all()
    )
    return render_template("trainings/manage.html", trainings=trainings, upcoming=upcoming)


def _training_form_page(training: Training | None):
    form = TrainingForm(obj=training)
    form.themes.choices = theme_choices(kept=[t.id for t in training.themes] if training else ())
    if request.method == "GET" and training is not None:
        form.themes.data = [t.id for t in training.themes]
    error = None
    if form.validate_on_submit():
        saved = services.save_training(
            current_user,
            training,
            title=form.title.data,
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
    training = db.session.get(Training, training_id)
    require(training is not None)
    return _training_form_page(training)


def _session_form(session: TrainingSession | None) -> SessionForm:
    form = SessionForm()
    form.region_id.choices = [("", _("— aucune (en ligne) —"))] + [
        (r.id, r.name) for r in db.session.scalars(sa.select(Region).order_by(Region.name))
    ]
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
    conv = services.local_to_utc
    return services.SessionData(
        starts_at=conv(form.starts_at.data),
        ends_at=conv(form.ends_at.data),
        format=SessionFormat(form.format.data),
        region_id=form.region_id.data,
        town=form.town.data or "",
        room_details=form.room_details.data or "",
        online_url=form.online_url.data or "",
        capacity=form.capacity.data,
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
    training = db.session.get(Training, training_id)
    require(training is not None)
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
    s = db.session.get(TrainingSession, session_id)
    require(s is not None)
    form = _session_form(s)
    error = None
    if form.validate_on_submit():
        try:
            promoted = services.update_session(current_user, s, _session_data(form))
            record_confirmed(form, user=current_user, obj=s)
        except services.TrainingError as exc:
            db.session.rollback()
            error = str(exc)
            s = db.session.get(TrainingSession, session_id)
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
    from flask_babel import ngettext

    return ngettext(
        "%(num)s personne de la liste d’attente a reçu une place.",
        "%(num)s personnes de la liste d’attente ont reçu une place.",
        n,
    )


def _confirm_cancel_session(session_id: int, form: CancelSessionForm | None = None) -> Confirmation:
    s = db.session.get(TrainingSession, session_id)
    require(s is not None and not s.is_cancelled)
    counts = services.counts(s.id)
    people = counts["confirmed"] + counts["waiting"]
    return Confirmation(
        question=_("Annuler la séance ?"),
        consequence=ngettext(
            "%(num)s personne inscrite ou en attente perd sa place et reçoit un courriel. C’est définitif.",
            "Les %(num)s personnes inscrites ou en attente perdent leur place et reçoivent un courriel. C’est définitif.",
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
    s = db.session.get(TrainingSession, session_id)
    require(s is not None)
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


@bp.route("/gestion/seances/<int:session_id>/participants")
@access("staff")
def participants(session_id: int):
    s = db.session.get(TrainingSession, session_id)
    require(s is not None)
    from ..tasks.models import TaskRecord

    task = db.session.scalar(
        sa.select(TaskRecord)
        .where(
            TaskRecord.kind == "training_certificates",
            TaskRecord.cache_key == f"training-certificates-{s.id}",
        )
        .order_by(TaskRecord.id.desc())
        .limit(1)
    )
    return render_template(
        "trainings/participants.html",
        session=s,
        confirmed=services.participants(s.id),
        waiting=services.waiting_list(s.id),
        summary=services.evaluation_summary(s.id),
        started=s.starts_at <= utcnow(),
        task=task,
    )


@bp.route("/gestion/seances/<int:session_id>/presences", methods=["POST"])
@access("staff")
def attendance(session_id: int):
    s = db.session.get(TrainingSession, session_id)
    require(s is not None)
    present = set(int_list("present", source=request.form))
    try:
        n = services.mark_attendance(current_user, s, present)
    except services.TrainingError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Présences enregistrées : %(n)s personnes présentes.", n=n), "success")
    return redirect(url_for("trainings.participants", session_id=session_id), code=303)


@bp.route("/gestion/seances/<int:session_id>/participants.csv")
@access("staff")
@writes  # the download is recorded in the audit log
def export(session_id: int):
    """Only what running the session needs: no email, no phone (staff write from the intranet)."""
    s = db.session.get(TrainingSession, session_id)
    require(s is not None)
    rows = []
    for r in services.participants(s.id):
        presence = "" if r.attended is None else (_("présence notée") if r.attended else _("absence notée"))
        rows.append(
            [r.user.name, r.user.organization.name, r.user.organization.region.name, _("confirmée"), "", presence]
        )
    for i, r in enumerate(services.waiting_list(s.id), start=1):
        rows.append(
            [r.user.name, r.user.organization.name, r.user.organization.region.name, _("en attente"), i, ""]
        )
    local = services.to_local(s.starts_at)
    from .. import events

    # Who downloaded a list of people goes to the audit log.
    events.audit.send(
        None, action="participants.exported", actor_id=current_user.id, organization_id=None,
        target_type="training_session", target_id=s.id, details={"format": "csv"},
    )
    db.session.commit()
    name = f"participants-{slugify(s.training.title, 40)}-{local:%Y-%m-%d}.csv"
    header = [_("Nom"), _("Organisme"), _("Région"), _("Statut"), _("Position"), _("Présence")]
    return csv_response(rows, name, header=header)


@bp.route("/gestion/seances/<int:session_id>/attestations", methods=["POST"])
@access("staff")
def certificates(session_id: int):
    s = db.session.get(TrainingSession, session_id)
    require(s is not None)
    if not any(r.attended for r in services.participants(s.id)):
        flash(_("Notez d’abord les présences : les attestations vont aux personnes présentes."), "error")
        return redirect(url_for("trainings.participants", session_id=s.id), code=303)
    task = submit_task(
        kind="training_certificates",
        func="jobs.trainings.render_certificates",
        args=[s.id],
        user=current_user,
        queue="pdf",
    )
    # Marks the task as this session's latest (not passed to submit_task: a new run is wanted
    # each time, since attendance may have changed).
    task.cache_key = f"training-certificates-{s.id}"
    db.session.commit()
    if wants_fragment():
        return render_template("tasks/_status.html", task=task)
    return redirect(url_for("trainings.participants", session_id=s.id), code=303)


def desk_sessions(user) -> Waiting:
    from flask_babel import ngettext

    count, soonest = services.sessions_needing_attention()
    entries = []
    for item in soonest:
        state = (
            ngettext("%(num)s en attente", "%(num)s en attente", item.waiting)
            if item.waiting
            else ngettext("%(num)s place libre", "%(num)s places libres", item.seats_left)
        )
        label = f"{item.session.training.title}, {format_date(services.to_local(item.session.starts_at).date(), 'd MMM')} ({state})"
        entries.append(DeskEntry(label, url_for("trainings.participants", session_id=item.session.id)))
    return Waiting(
        count=count,
        label=ngettext(
            "séance presque complète ou avec liste d’attente",
            "séances presque complètes ou avec liste d’attente",
            count,
        ),
        url=url_for("trainings.manage"),
        link_text=_("Gérer les formations"),
        entries=entries,
    )
