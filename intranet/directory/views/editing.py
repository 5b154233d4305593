"""An organization's coordinators keep its profile: changing it, or confirming it is still right."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db
from ...guard import record_confirmed
from ...security import access, require
from .. import policy
from ..forms import ProfileForm
from ..models import Profile
from ..services import profiles
from ..services.profiles import ProfileData
from .common import bp, load_profile, region_choices

# The profile's text fields: the same name on the form, the model and ProfileData.
_PROFILE_FIELDS = (
    "services_details", "description", "accessibility", "referral", "lead_name", "lead_title",
    "lead_email", "lead_phone", "website", "shareable",
)  # fmt: skip


def _profile_form(shown: Profile) -> ProfileForm:
    org = shown.organization
    form = ProfileForm(
        data={
            "sector": org.sector.value,
            "town": org.town,
            "region_ids": shown.region_ids,
            "steps": shown.steps,
            "languages": shown.languages,
            "approaches": shown.approaches,
            **{name: getattr(shown, name) for name in _PROFILE_FIELDS},
        }
        if request.method == "GET"
        else None
    )
    form.region_ids.choices = region_choices()
    if not policy.can_change_sector(current_user):
        del form.sector
    return form


def _editable_profile(organization_id: int) -> Profile:
    shown = load_profile(organization_id)
    require(policy.can_edit_profile(current_user, shown.organization))
    return shown


@bp.route("/repertoire/organismes/<int:organization_id>/modifier", methods=["GET", "POST"])
@access("coordinator")
def edit_profile(organization_id: int):
    shown = _editable_profile(organization_id)
    form = _profile_form(shown)
    if form.validate_on_submit():
        data = ProfileData(
            town=form.town.data or "",  # DataRequired: never empty here
            region_ids=form.region_ids.data or [],
            steps=form.steps.data or [],
            languages=form.languages.data or [],
            approaches=form.approaches.data or [],
            sector=form.sector.data if "sector" in form else None,
            **{name: getattr(form, name).data for name in _PROFILE_FIELDS},
        )
        profiles.save_profile(current_user, shown, data)
        record_confirmed(form, user=current_user, obj=shown)
        db.session.commit()
        flash(_("Le profil est enregistré."), "success")
        return redirect(url_for("directory.profile", organization_id=organization_id), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "directory/profile_form.html", form=form, profile=shown, org=shown.organization
    ), status


@bp.route("/repertoire/organismes/<int:organization_id>/confirmer", methods=["POST"])
@access("coordinator")
def confirm_profile(organization_id: int):
    shown = _editable_profile(organization_id)
    profiles.confirm_profile(current_user, shown)
    db.session.commit()
    flash(_("Merci : le profil est confirmé à jour."), "success")
    return redirect(url_for("directory.profile", organization_id=organization_id), code=303)
