"""Management (staff): a session's participants, attendance, the CSV, certificates, the desk."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from ...csvexport import csv_response
from ...database import utcnow, writes
from ...extensions import db
from ...home.desk import DeskEntry, Waiting
from ...params import int_list
from ...security import access, require_row
from ...tasks.services import submit_task
from ...text import slugify
from ...urls import wants_fragment
from .. import services
from ..models import TrainingSession
from .common import bp


@bp.route("/gestion/seances/<int:session_id>/participants")
@access("staff")
def participants(session_id: int):
    s = require_row(TrainingSession, session_id)
    task = services.latest_certificates_task(s.id)
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
    s = require_row(TrainingSession, session_id)
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
    s = require_row(TrainingSession, session_id)
    header, rows = services.participants_export(current_user, s)
    db.session.commit()
    local = services.to_local(s.starts_at)
    name = f"participants-{slugify(s.training.title, 40)}-{local:%Y-%m-%d}.csv"
    return csv_response(rows, name, header=header)


@bp.route("/gestion/seances/<int:session_id>/attestations", methods=["POST"])
@access("staff")
def certificates(session_id: int):
    s = require_row(TrainingSession, session_id)
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
    count, soonest = services.sessions_needing_attention()
    entries = []
    for item in soonest:
        state = (
            ngettext("%(num)s en attente", "%(num)s en attente", item.waiting)
            if item.waiting
            else ngettext("%(num)s place libre", "%(num)s places libres", item.seats_left)
        )
        day = format_date(services.to_local(item.session.starts_at).date(), "d MMM")
        label = f"{item.session.training.title}, {day} ({state})"
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
