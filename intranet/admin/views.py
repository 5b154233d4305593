"""Organizations, people and invitations; the job queue for the administrator."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from redis.exceptions import RedisError
from rq.exceptions import InvalidJobOperation, NoSuchJobError

from ..accounts import services as accounts
from ..accounts.forms import InviteForm, OrganizationForm, RoleForm, role_choices
from ..accounts.models import Role, Sector, User
from ..confirm import Confirmation, confirm_first
from ..extensions import db
from ..home.desk import DeskEntry, Waiting, desk_for
from ..queue import QUEUES, failed_job_count
from ..security import access, found, require
from ..tasks.services import submit_task
from ..templating import management_for
from ..vocabulary import word
from . import services

bp = Blueprint("admin", __name__, url_prefix="/gestion")


@bp.route("/")
@access("staff")
def manage():
    """ "Gestion": the management tools in one menu entry, with what waits for the team."""
    return render_template(
        "admin/manage.html", tools=management_for(current_user), desk=desk_for(current_user)
    )


def desk_organizations(user: User) -> Waiting:
    count, first = accounts.organizations_without_coordinator()
    return Waiting(
        count=count,
        label=ngettext("organisme sans coordination", "organismes sans coordination", count),
        url=url_for("admin.organizations"),
        link_text=_("Voir les organismes"),
        entries=[DeskEntry(org.name, url_for("admin.organization", org_id=org.id)) for org in first],
    )


def desk_failed_jobs(user: User) -> Waiting:
    try:
        count = failed_job_count()
    except RedisError:
        return Waiting(
            count=None,
            label=_("Les files de tâches ne répondent pas"),
            url=url_for("admin.jobs"),
            link_text=_("Voir les tâches de fond"),
        )
    return Waiting(
        count=count,
        label=ngettext("tâche de fond en échec", "tâches de fond en échec", count),
        url=url_for("admin.jobs"),
        link_text=_("Voir les tâches de fond"),
    )


@bp.route("/organismes", methods=["GET", "POST"])
@access("staff")
def organizations():
    form = OrganizationForm()
    form.region_id.choices = services.region_choices()
    error = None
    if form.validate_on_submit():
        try:
            org = accounts.create_organization(
                current_user,
                name=form.name.data or "",
                sector=Sector(form.sector.data),
                region_id=form.region_id.data,
                town=form.town.data or "",
            )
        except accounts.AccountError as exc:
            error = str(exc)
        else:
            db.session.commit()
            flash(_("Organisme ajouté : %(name)s", name=org.name), "success")
            return redirect(url_for("admin.organization", org_id=org.id), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "admin/organizations.html",
        orgs=services.organizations_by_name(),
        counts=services.active_people_counts(),
        form=form,
        error=error,
    ), status


@bp.route("/organismes/<int:org_id>", methods=["GET", "POST"])
@access("coordinator")
def organization(org_id: int):
    org = found(services.manageable_organization(current_user, org_id))
    form = InviteForm()
    if current_user.is_staff:
        form.organization_id.choices = services.organization_choices()
    else:
        form.organization_id.choices = [(org.id, org.name)]
    if not current_user.is_admin:
        allowed = {Role.MEMBER.value, Role.COORDINATOR.value} | (
            {Role.STAFF.value} if current_user.is_staff else set()
        )
        form.role.choices = [c for c in role_choices() if c[0] in allowed]
    if request.method == "GET":
        form.organization_id.data = org.id
    error = None
    if form.validate_on_submit():
        try:
            user = accounts.invite(
                current_user,
                accounts.Invitation(
                    email=form.email.data or "",
                    name=form.name.data or "",
                    organization_id=form.organization_id.data,
                    role=Role(form.role.data),
                    locale=form.locale.data,
                ),
            )
        except accounts.AccountError as exc:
            error = str(exc)
        else:
            db.session.commit()
            flash(_("Invitation envoyée à %(email)s.", email=user.email), "success")
            return redirect(url_for("admin.organization", org_id=org.id), code=303)
    people = services.people_of(org.id)
    status = 422 if request.method == "POST" else 200
    return (
        render_template(
            "admin/organization.html", org=org, people=people, form=form, error=error, role_form=RoleForm()
        ),
        status,
    )


def _person(user_id: int) -> User:
    return found(services.manageable_person(current_user, user_id))


def _act_on_person(user: User, action, success):
    """Run an account action; commit and say ``success()``, or roll back and show the refusal."""
    try:
        action()
    except accounts.AccountError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(success(), "success")
    return redirect(url_for("admin.organization", org_id=user.organization_id), code=303)


@bp.route("/personnes/<int:user_id>/role", methods=["POST"])
@access("admin")
def change_role(user_id: int):
    user = _person(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Ce rôle n’existe pas."), "error")
        return redirect(url_for("admin.organization", org_id=user.organization_id), code=303)
    return _act_on_person(
        user,
        lambda: accounts.change_role(current_user, user, Role(form.role.data)),
        lambda: _("Rôle changé pour %(name)s.", name=user.name),
    )


def _confirm_active(user_id: int) -> Confirmation:
    user = _person(user_id)
    back = url_for("admin.organization", org_id=user.organization_id)
    if request.args.get("active") == "1":
        return Confirmation(
            question=_("Réactiver le compte de %(name)s ?", name=user.name),
            consequence=_("%(name)s pourra de nouveau se connecter.", name=user.name),
            action=_("Réactiver"),
            back=back,
        )
    return Confirmation(
        question=_("Désactiver le compte de %(name)s ?", name=user.name),
        consequence=_(
            "%(name)s ne pourra plus se connecter et ses sessions ouvertes sont fermées ; ses écrits restent.",  # noqa: E501
            name=user.name,
        ),
        action=_("Désactiver"),
        back=back,
    )


@bp.route("/personnes/<int:user_id>/activation", methods=["GET", "POST"])
@access("coordinator")
@confirm_first(_confirm_active)
def toggle_active(user_id: int):
    user = _person(user_id)
    return _act_on_person(
        user,
        lambda: accounts.set_active(current_user, user, request.form.get("active") == "1"),
        lambda: _("Compte mis à jour : %(name)s.", name=user.name),
    )


@bp.route("/personnes/<int:user_id>/reinviter", methods=["POST"])
@access("coordinator")
def resend_invitation(user_id: int):
    user = _person(user_id)
    return _act_on_person(
        user,
        lambda: accounts.send_invitation(current_user, user),
        lambda: _("Invitation renvoyée à %(email)s.", email=user.email),
    )


def _confirm_reset_two_factor(user_id: int) -> Confirmation:
    user = _person(user_id)
    return Confirmation(
        question=_("Réinitialiser la double authentification de %(name)s ?", name=user.name),
        consequence=_(
            "Les sessions ouvertes de %(name)s sont fermées, un courriel l’en avise et son application "
            "d’authentification sera configurée de nouveau à sa prochaine connexion. Vérifiez d’abord "
            "son identité autrement que par courriel.",
            name=user.name,
        ),
        action=_("Réinitialiser"),
        back=url_for("admin.organization", org_id=user.organization_id),
    )


@bp.route("/personnes/<int:user_id>/double-authentification", methods=["GET", "POST"])
@access("admin")
@confirm_first(_confirm_reset_two_factor)
def reset_two_factor(user_id: int):
    user = _person(user_id)
    return _act_on_person(
        user,
        lambda: accounts.reset_two_factor(current_user, user),
        lambda: _("Double authentification réinitialisée pour %(name)s.", name=user.name),
    )


@bp.route("/repertoire.csv", methods=["POST"])
@access("staff")
def export_directory():
    """The organizations directory as CSV, made by a worker (shows the job-status component)."""
    task = submit_task(
        kind="directory_csv", func="jobs.exports.directory_csv", args=[], user=current_user, queue="default"
    )
    accounts.audit("directory.exported", current_user, task_id=task.id)
    db.session.commit()
    return redirect(url_for("tasks.status", public_id=task.public_id), code=303)


@bp.route("/taches")
@access("admin")
def jobs():
    overview = services.jobs_overview()
    return render_template(
        "admin/jobs.html",
        queues=overview.queues,
        workers=overview.workers,
        tasks=overview.tasks,
        mail_counts=overview.mail_counts,
        refused=overview.refused,
        word=word,
    )


@bp.route("/taches/<queue>/<job_id>/relancer", methods=["POST"])
@access("admin")
def requeue_job(queue: str, job_id: str):
    require(queue in QUEUES)
    try:
        services.requeue_failed(queue, job_id)
    except (NoSuchJobError, InvalidJobOperation) as exc:
        flash(_("Impossible de relancer cette tâche : %(error)s", error=type(exc).__name__), "error")
    else:
        flash(_("Tâche relancée."), "success")
    return redirect(url_for("admin.jobs"), code=303)
