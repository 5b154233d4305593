"""Moderation: reports, the guard's confirmed passages, withdrawing a practice, the staff desk."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ... import guard
from ...confirm import Confirmation, confirm_first, confirmation_page
from ...extensions import db
from ...guard import record_confirmed
from ...home.desk import Waiting
from ...params import int_arg
from ...security import access, found, require, require_row
from .. import policy, services
from ..forms import ReportForm, WithdrawForm
from ..models import Practice, PracticeComment, PracticeReport
from .common import bp, load_visible


@bp.route("/<int:practice_id>/signaler", methods=["GET", "POST"])
@access("member")
def report(practice_id: int):
    practice = load_visible(practice_id)
    comment_id = int_arg("comment", source=request.values)
    item = None
    if comment_id:
        item = require_row(PracticeComment, comment_id)
        require(item.practice_id == practice.id)
    form = ReportForm()
    if form.validate_on_submit():
        report = services.report(current_user, practice, form.reason.data or "", comment=item)
        record_confirmed(form, user=current_user, obj=report)
        db.session.commit()
        flash(_("Merci : l’équipe de modération examinera votre signalement."), "success")
        return redirect(url_for("practices.show", practice_id=practice.id), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("practices/report.html", form=form, practice=practice, comment=item), status


@bp.route("/signalements")
@access("coordinator")
def reports():
    return render_template(
        "practices/reports.html",
        reports=services.open_reports(current_user),
        confirmations=guard.open_confirmations(current_user),
    )


@bp.route("/signalements/confirmations/<int:record_id>/vue", methods=["POST"])
@access("staff")
def confirmation_reviewed(record_id: int):
    """A moderator has looked at a passage its author confirmed (the guard's queue)."""
    record = found(guard.get_confirmation(record_id))
    guard.mark_reviewed(current_user, record)
    db.session.commit()
    flash(_("Passage confirmé marqué comme vu."), "success")
    return redirect(url_for("practices.reports", _anchor="confirmations"), code=303)


@bp.route("/signalements/<int:report_id>/traite", methods=["POST"])
@access("coordinator")
def resolve_report(report_id: int):
    item = require_row(PracticeReport, report_id)
    require(policy.can_moderate(current_user, item.practice))
    require(policy.can_view(current_user, item.practice))
    services.resolve_report(current_user, item)
    db.session.commit()
    flash(_("Signalement marqué comme traité."), "success")
    return redirect(url_for("practices.reports"), code=303)


def _confirm_withdraw(practice_id: int, form: WithdrawForm | None = None) -> Confirmation:
    practice = require_row(Practice, practice_id)
    require(policy.can_view(current_user, practice))
    require(policy.can_moderate(current_user, practice))
    return Confirmation(
        question=_("Retirer cette pratique ?"),
        consequence=_(
            "Elle ne sera plus visible du réseau ; les personnes qui l’ont écrite verront la raison et en seront prévenues."  # noqa: E501
        ),
        action=_("Retirer la pratique"),
        back=url_for("practices.show", practice_id=practice.id),
        form=form or WithdrawForm(formdata=None),
    )


@bp.route("/<int:practice_id>/retrait", methods=["GET", "POST"])
@access("member")
@confirm_first(_confirm_withdraw)
def withdraw(practice_id: int):
    practice = found(services.get_for_update(practice_id))
    require(policy.can_view(current_user, practice))
    require(policy.can_moderate(current_user, practice))
    form = WithdrawForm()
    if not form.validate_on_submit():
        return confirmation_page(_confirm_withdraw(practice_id, form), 422)
    try:
        services.withdraw(current_user, practice, form.reason.data or "")
        record_confirmed(form, user=current_user, obj=practice)
    except services.PracticeError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Pratique retirée ; la personne qui l’a écrite a été prévenue."), "success")
    return redirect(url_for("practices.show", practice_id=practice_id), code=303)


def desk_reports(user) -> Waiting:
    count = services.count_open_reports(user)
    return Waiting(
        count=count,
        label=ngettext("signalement à traiter", "signalements à traiter", count),
        url=url_for("practices.reports"),
        link_text=_("Voir les signalements"),
    )
