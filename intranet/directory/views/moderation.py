"""The network's team keeps the inventory of shared resources: approving or refusing a suggestion,
resolving reports, and the list of what waits for verification."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db
from ...security import access, require
from ..models import ResourceStatus
from ..services import resources
from .common import bp, labels, load_resource


@bp.route("/ressources/<int:resource_id>/approuver", methods=["POST"])
@access("staff")
def approve_resource(resource_id: int):
    found = load_resource(resource_id)
    require(found.status == ResourceStatus.PENDING)
    resources.approve(current_user, found)
    db.session.commit()
    flash(_("La ressource est publiée."), "success")
    return redirect(url_for("directory.verification"), code=303)


@bp.route("/ressources/<int:resource_id>/refuser", methods=["POST"])
@access("staff")
def reject_resource(resource_id: int):
    found = load_resource(resource_id)
    require(found.status == ResourceStatus.PENDING)
    resources.reject(current_user, found)
    db.session.commit()
    flash(_("La suggestion est refusée."), "success")
    return redirect(url_for("directory.verification"), code=303)


@bp.route("/ressources/<int:resource_id>/resoudre", methods=["POST"])
@access("staff")
def resolve_resource(resource_id: int):
    found = load_resource(resource_id)
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
        **labels(),
    )
