"""The directory of organizations (/repertoire) and the shared resources (/ressources)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..csvexport import MIMETYPE
from ..database import utcnow
from ..extensions import db
from ..guard import record_confirmed
from ..security import access, require, require_row
from ..urls import wants_fragment
from . import policy, vocab
from .forms import NoteForm, ProfileForm, ReportForm, ResourceForm
from .models import Resource, ResourceNote, ResourceStatus
from .services import exports, profiles, resources
from .services.profiles import ProfileData
from .services.resources import ResourceData

bp = Blueprint("directory", __name__)


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def _choice_arg(name: str, allowed) -> str | None:
    value = request.args.get(name) or None
    return value if value in allowed else None


def _region_choices() -> list[tuple[int, str]]:
    return [(r.id, r.name) for r in profiles.regions_by_id().values()]


def _labels() -> dict:
    return {
        "steps": vocab.STEP_LABELS,
        "approaches": vocab.APPROACH_LABELS,
        "sectors": vocab.SECTOR_LABELS,
        "kinds": vocab.KIND_LABELS,
        "coverages": vocab.COVERAGE_LABELS,
        "modalities": vocab.MODALITY_LABELS,
        "trainings": vocab.TRAINING_LABELS,
        "language": vocab.language_name,
        "sector_group": vocab.sector_group,
    }


def _download(body: str, name: str, mimetype: str) -> Response:
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


# --- organizations ----------------------------------------------------------------------------


@bp.route("/repertoire/")
@access("member")
def index():
    filters = profiles.Filters(
        q=(request.args.get("q") or "").strip()[:200],
        region_id=_int_arg("region"),
        sector=_choice_arg("sector", vocab.SECTOR_GROUPS),
        step=_choice_arg("service", {s.value for s in vocab.Step}),
        language=_choice_arg("language", vocab.LANGUAGES),
    )
    page = max(_int_arg("page") or 1, 1)
    result = profiles.find(current_user, filters, page=page)
    args = {
        k: v
        for k, v in {
            "q": filters.q,
            "region": filters.region_id,
            "sector": filters.sector,
            "service": filters.step,
            "language": filters.language,
        }.items()  # fmt: skip
        if v
    }
    regions = profiles.regions_by_id()
    context = {
        "result": result,
        "filters": filters,
        "args": args,
        "regions": regions,
        "now": utcnow(),
        "is_stale": profiles.is_stale,
        **_labels(),
    }
    if wants_fragment():
        return render_template("directory/_org_results.html", **context)
    return render_template(
        "directory/index.html",
        **context,
        region_choices=_region_choices(),
        language_choices=vocab.language_choices(),
        counts=profiles.region_counts() if not filters.active else {},
    )


@bp.route("/repertoire/regions/<int:region_id>")
@access("member")
def region(region_id: int):
    found = profiles.regions_by_id().get(region_id)
    require(found is not None)
    return render_template(
        "directory/region.html",
        region=found,
        grouped=profiles.region_overview(found),
        now=utcnow(),
        is_stale=profiles.is_stale,
        **_labels(),
    )


@bp.route("/repertoire/organismes/<int:organization_id>")
@access("member")
def profile(organization_id: int):
    found = profiles.get_profile(organization_id)
    require(found is not None and found.organization.active)
    now = utcnow()
    return render_template(
        "directory/profile.html",
        profile=found,
        org=found.organization,
        regions=profiles.regions_by_id(),
        stale=profiles.is_stale(found, now),
        months=profiles.months_since(found.confirmed_at, now),
        can_edit=policy.can_edit_profile(current_user, found.organization),
        linked=profiles.linked_content(current_user, found.organization),
        **_labels(),
    )


def _profile_form(found) -> ProfileForm:
    org = found.organization
    form = ProfileForm(
        data={
            "sector": org.sector.value,
            "town": org.town,
            "region_ids": found.region_ids,
            "steps": found.steps,
            "languages": found.languages,
            "approaches": found.approaches,
            **{
                name: getattr(found, name)
                for name in (
                    "services_details",
                    "description",
                    "accessibility",
                    "referral",
                    "lead_name",
                    "lead_title",
                    "lead_email",
                    "lead_phone",
                    "website",
                    "shareable",
                )  # fmt: skip
            },
        }
        if request.method == "GET"
        else None
    )
    form.region_ids.choices = _region_choices()
    if not policy.can_change_sector(current_user):
        del form.sector
    return form


@bp.route("/repertoire/organismes/<int:organization_id>/modifier", methods=["GET", "POST"])
@access("coordinator")
def edit_profile(organization_id: int):
    found = profiles.get_profile(organization_id)
    require(found is not None and policy.can_edit_profile(current_user, found.organization))
    form = _profile_form(found)
    if form.validate_on_submit():
        data = ProfileData(
            town=form.town.data,
            region_ids=form.region_ids.data or [],
            steps=form.steps.data or [],
            languages=form.languages.data or [],
            approaches=form.approaches.data or [],
            sector=form.sector.data if "sector" in form else None,
            **{
                name: getattr(form, name).data
                for name in (
                    "services_details",
                    "description",
                    "accessibility",
                    "referral",
                    "lead_name",
                    "lead_title",
                    "lead_email",
                    "lead_phone",
                    "website",
                    "shareable",
                )  # fmt: skip
            },
        )
        profiles.save_profile(current_user, found, data)
        record_confirmed(form, user=current_user, obj=found)
        db.session.commit()
        flash(_("Le profil est enregistré."), "success")
        return redirect(url_for("directory.profile", organization_id=organization_id), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "directory/profile_form.html", form=form, profile=found, org=found.organization
    ), status


@bp.route("/repertoire/organismes/<int:organization_id>/confirmer", methods=["POST"])
@access("coordinator")
def confirm_profile(organization_id: int):
    found = profiles.get_profile(organization_id)
    require(found is not None and policy.can_edit_profile(current_user, found.organization))
    profiles.confirm_profile(current_user, found)
    db.session.commit()
    flash(_("Merci : le profil est confirmé à jour."), "success")
    return redirect(url_for("directory.profile", organization_id=organization_id), code=303)


@bp.route("/repertoire/organismes.csv")
@access("member")
def organizations_csv():
    return _download(exports.organizations_csv(), "repertoire-organismes.csv", MIMETYPE)


@bp.route("/repertoire/hsds.json")
@access("member")
def hsds():
    body = json.dumps(exports.hsds_datapackage(), ensure_ascii=False, indent=1)
    return _download(body, "passerelle-hsds-datapackage.json", "application/json")


# --- resources --------------------------------------------------------------------------------


def _resource_filters() -> resources.Filters:
    return resources.Filters(
        q=(request.args.get("q") or "").strip()[:200],
        region_id=_int_arg("region"),
        language=_choice_arg("language", vocab.LANGUAGES),
        modality=_choice_arg("modality", vocab.MODALITIES),
        kind=_choice_arg("kind", {k.value for k in vocab.Kind}),
    )


@bp.route("/ressources/")
@access("member")
def resources_index():
    filters = _resource_filters()
    page = max(_int_arg("page") or 1, 1)
    result = resources.find(filters, page=page)
    args = {
        k: v
        for k, v in {
            "q": filters.q,
            "region": filters.region_id,
            "language": filters.language,
            "modality": filters.modality,
            "kind": filters.kind,
        }.items()  # fmt: skip
        if v
    }
    context = {
        "result": result,
        "filters": filters,
        "args": args,
        "now": utcnow(),
        "needs_verification": resources.needs_verification,
        "regions": profiles.regions_by_id(),
        **_labels(),
    }
    if wants_fragment():
        return render_template("directory/_resource_results.html", **context)
    return render_template(
        "directory/resources.html",
        **context,
        region_choices=_region_choices(),
        language_choices=vocab.language_choices(),
        mine=resources.suggested_by(current_user),
        desk=resources.desk_counts() if policy.can_moderate(current_user) else None,
    )


def _load_resource(resource_id: int) -> Resource:
    found = require_row(Resource, resource_id)
    require(policy.can_view_resource(current_user, found))
    return found


def _show_resource(found: Resource, *, note_form=None, status: int = 200):
    return render_template(
        "directory/resource.html",
        resource=found,
        regions=profiles.regions_by_id(),
        reports=resources.open_reports(found),
        notes=resources.notes(found),
        note_form=note_form or NoteForm(),
        stale=resources.needs_verification(found),
        can_edit=policy.can_edit_resource(current_user, found),
        can_moderate=policy.can_moderate(current_user),
        can_delete_note=lambda note: policy.can_delete_note(current_user, note),
        **_labels(),
    ), status


@bp.route("/ressources/<int:resource_id>")
@access("member")
def resource(resource_id: int):
    return _show_resource(_load_resource(resource_id))


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
    form.region_ids.choices = _region_choices()
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
    found = _load_resource(resource_id)
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
    found = _load_resource(resource_id)
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
    found = _load_resource(resource_id)
    require(policy.can_report(current_user, found))
    form = ReportForm()
    if form.validate_on_submit():
        item = resources.report(current_user, found, form.reason.data)
        record_confirmed(form, user=current_user, obj=item)
        db.session.commit()
        flash(_("Merci : l’équipe du réseau va vérifier cette ressource."), "success")
        return redirect(url_for("directory.resource", resource_id=found.id), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("directory/report.html", form=form, resource=found), status


@bp.route("/ressources/<int:resource_id>/notes", methods=["POST"])
@access("member")
def add_note(resource_id: int):
    found = _load_resource(resource_id)
    require(policy.can_note(current_user, found))
    form = NoteForm()
    if form.validate_on_submit():
        note = resources.add_note(current_user, found, form.body.data)
        record_confirmed(form, user=current_user, obj=note)
        db.session.commit()
        flash(_("Votre note est ajoutée."), "success")
        return redirect(url_for("directory.resource", resource_id=found.id, _anchor="notes"), code=303)
    return _show_resource(found, note_form=form, status=422)


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


@bp.route("/ressources/<int:resource_id>/approuver", methods=["POST"])
@access("staff")
def approve_resource(resource_id: int):
    found = _load_resource(resource_id)
    require(found.status == ResourceStatus.PENDING)
    resources.approve(current_user, found)
    db.session.commit()
    flash(_("La ressource est publiée."), "success")
    return redirect(url_for("directory.verification"), code=303)


@bp.route("/ressources/<int:resource_id>/refuser", methods=["POST"])
@access("staff")
def reject_resource(resource_id: int):
    found = _load_resource(resource_id)
    require(found.status == ResourceStatus.PENDING)
    resources.reject(current_user, found)
    db.session.commit()
    flash(_("La suggestion est refusée."), "success")
    return redirect(url_for("directory.verification"), code=303)


@bp.route("/ressources/<int:resource_id>/resoudre", methods=["POST"])
@access("staff")
def resolve_resource(resource_id: int):
    found = _load_resource(resource_id)
    count = resources.resolve_reports(current_user, found)
    db.session.commit()
    flash(_("Signalements résolus : %(num)s. La ressource est confirmée à jour.", num=count), "success")
    return redirect(url_for("directory.resource", resource_id=found.id), code=303)


@bp.route("/ressources/verification")
@access("staff")
def verification():
    return render_template(
        "directory/verification.html",
        pending=resources.pending(),
        reported=resources.reported(),
        to_verify=resources.to_verify(),
        **_labels(),
    )


@bp.route("/ressources.csv")
@access("member")
def resources_csv():
    return _download(exports.resources_csv(), "ressources-partagees.csv", MIMETYPE)
