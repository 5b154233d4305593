"""What members bring to the inventory of shared resources: suggesting a resource, changing it,
confirming it is still right, reporting it, and notes on it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db
from ...guard import record_confirmed
from ...security import access, require, require_row
from ...urls import wants_fragment
from .. import policy
from ..forms import NoteForm, ReportForm, ResourceForm
from ..models import Resource, ResourceNote
from ..services import resources
from ..services.resources import ResourceData
from .common import bp, load_resource, region_choices, show_resource

# The resource's single-valued fields: the same name on the form, the model and ResourceData.
_RESOURCE_FIELDS = (
    "name", "kind", "provider", "description", "coverage", "violence_training", "training_by", "cost",
    "who_pays", "how_to_request", "usual_delay", "contact_name", "contact_email", "contact_phone", "website",
    "shareable",
)  # fmt: skip


def _resource_form(found: Resource | None = None) -> ResourceForm:
    data = None
    if request.method == "GET" and found is not None:
        data = {
            "region_ids": found.region_ids,
            "languages": found.languages,
            "modalities": found.modalities,
            **{name: getattr(found, name) for name in _RESOURCE_FIELDS},
        }
    form = ResourceForm(data=data)
    form.region_ids.choices = region_choices()
    return form


def _resource_data(form: ResourceForm) -> ResourceData:
    return ResourceData(
        region_ids=form.region_ids.data or [],
        languages=form.languages.data or [],
        modalities=form.modalities.data or [],
        **{name: getattr(form, name).data for name in _RESOURCE_FIELDS},
    )


@bp.route("/ressources/nouvelle", methods=["GET", "POST"])
@access("member")
def new_resource():
    form = _resource_form()
    if form.validate_on_submit():
        created = resources.add_resource(current_user, _resource_data(form))
        record_confirmed(form, user=current_user, obj=created)
        db.session.commit()
        if created.is_published:
            flash(_("La ressource est publiée."), "success")
        else:
            flash(
                _("Merci : votre suggestion sera vérifiée par l’équipe du réseau avant d’être publiée."),
                "success",
            )
        return redirect(url_for("directory.resource", resource_id=created.id), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "directory/resource_form.html",
        form=form,
        resource=None,
        publishes=policy.can_publish_resource(current_user),
    ), status


@bp.route("/ressources/<int:resource_id>/modifier", methods=["GET", "POST"])
@access("coordinator")
def edit_resource(resource_id: int):
    found = load_resource(resource_id)
    require(policy.can_edit_resource(current_user, found))
    form = _resource_form(found)
    if form.validate_on_submit():
        resources.update_resource(current_user, found, _resource_data(form))
        record_confirmed(form, user=current_user, obj=found)
        db.session.commit()
        flash(_("La ressource est enregistrée."), "success")
        return redirect(url_for("directory.resource", resource_id=found.id), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("directory/resource_form.html", form=form, resource=found, publishes=True), status


@bp.route("/ressources/<int:resource_id>/confirmer", methods=["POST"])
@access("member")
def confirm_resource(resource_id: int):
    found = load_resource(resource_id)
    require(policy.can_confirm(current_user, found))
    resources.confirm(current_user, found)
    db.session.commit()
    if wants_fragment():
        return render_template("directory/_confirmed.html", resource=found)
    flash(_("Merci : la ressource est confirmée à jour."), "success")
    return redirect(url_for("directory.resource", resource_id=found.id), code=303)


@bp.route("/ressources/<int:resource_id>/signaler", methods=["GET", "POST"])
@access("member")
def report_resource(resource_id: int):
    found = load_resource(resource_id)
    require(policy.can_report(current_user, found))
    form = ReportForm()
    if form.validate_on_submit():
        item = resources.report(current_user, found, form.reason.data or "")
        record_confirmed(form, user=current_user, obj=item)
        db.session.commit()
        flash(_("Merci : l’équipe du réseau va vérifier cette ressource."), "success")
        return redirect(url_for("directory.resource", resource_id=found.id), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("directory/report.html", form=form, resource=found), status


@bp.route("/ressources/<int:resource_id>/notes", methods=["POST"])
@access("member")
def add_note(resource_id: int):
    found = load_resource(resource_id)
    require(policy.can_note(current_user, found))
    form = NoteForm()
    if form.validate_on_submit():
        note = resources.add_note(current_user, found, form.body.data or "")
        record_confirmed(form, user=current_user, obj=note)
        db.session.commit()
        flash(_("Votre note est ajoutée."), "success")
        return redirect(url_for("directory.resource", resource_id=found.id, _anchor="notes"), code=303)
    return show_resource(found, note_form=form, status=422)


@bp.route("/ressources/notes/<int:note_id>/supprimer", methods=["POST"])
@access("member")
def delete_note(note_id: int):
    note = require_row(ResourceNote, note_id)
    require(policy.can_delete_note(current_user, note))
    resource_id = note.resource_id
    resources.delete_note(current_user, note)
    db.session.commit()
    flash(_("La note est supprimée."), "success")
    return redirect(url_for("directory.resource", resource_id=resource_id, _anchor="notes"), code=303)
