"""My trainings: registrations, the calendar feed, evaluations and certificates."""

from __future__ import annotations

from pathlib import Path

from flask import Response, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...database import separate_write, utcnow
from ...extensions import db
from ...guard import record_confirmed
from ...security import access, found, require, require_row
from ...text import slugify
from .. import policy, services, waitlist
from ..forms import EvaluationForm
from ..models import Registration, RegistrationStatus
from .common import bp, load_session


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
    evaluated = services.evaluated_sessions(current_user.id, [r.session_id for r in past])
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
    s = load_session(session_id)
    mine = found(services.registration_of(s.id, current_user.id))
    require(policy.can_evaluate(current_user, mine, utcnow()))
    form = EvaluationForm()
    error = None
    if services.has_evaluated(current_user.id, s.id):
        flash(_("Vous avez déjà évalué cette séance. Merci !"), "success")
        return redirect(url_for("trainings.mine"), code=303)
    if form.validate_on_submit():
        try:
            evaluation = services.evaluate(current_user, mine, form.rating.data, form.comment.data or "")
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
    registration = require_row(Registration, registration_id)
    require(policy.can_download_certificate(current_user, registration) and registration.attended is True)
    certificate_path = found(registration.certificate_path)  # none yet: the same 404
    instance = Path(current_app.instance_path).resolve()
    path = (instance / certificate_path).resolve()
    require(instance in path.parents and path.is_file())

    return send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"attestation-{slugify(registration.session.training.title, 50)}.pdf",
        max_age=0,
    )
