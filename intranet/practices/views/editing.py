"""Writing a practice: new, edit (a conflict shows what changed), archive or back to draft."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...confirm import Confirmation, confirm_first
from ...extensions import db
from ...files.services import UploadError
from ...guard import record_confirmed
from ...params import bounded_int
from ...security import access, found, require, require_row
from .. import policy, services
from ..forms import PracticeForm
from ..models import Practice, Status, Visibility
from .common import bp, changes_between, page_locale


def _prepare(form: PracticeForm, practice: Practice | None = None) -> None:
    locale = page_locale()
    themes = services.list_themes(active_only=False)
    kept = {t.id for t in practice.themes} if practice else set()
    form.themes.choices = [(t.id, t.label(locale)) for t in themes if t.active or t.id in kept]
    form.region_id.choices = [(0, _("— Aucune en particulier —"))] + [
        (r.id, r.name) for r in services.regions()
    ]
    if practice is not None:
        form.remove_attachments.choices = [(a.id, a.file.original_name) for a in practice.attachments]
    else:
        form.remove_attachments.choices = []


def _data(form: PracticeForm) -> services.PracticeData:
    return services.PracticeData(
        title=form.title.data or "",
        summary=form.summary.data or "",
        body=form.body.data or "",
        audience=form.audience.data or "",
        region_id=form.region_id.data or None,
        theme_ids=list(form.themes.data or []),
        approaches=list(form.approaches.data or []),
        sectors=list(form.sectors.data or []),
        visibility=Visibility(form.visibility.data or Visibility.NETWORK.value),
    )


def _uploads() -> list:
    return [f for f in request.files.getlist("attachments") if f and f.filename]


def _fill(form: PracticeForm, practice: Practice) -> None:
    form.title.data = practice.title
    form.summary.data = practice.summary
    form.body.data = practice.body
    form.audience.data = practice.audience
    form.region_id.data = practice.region_id or 0
    form.themes.data = [t.id for t in practice.themes]
    form.approaches.data = practice.approaches
    form.sectors.data = practice.sectors
    form.visibility.data = practice.visibility.value
    form.version.data = str(practice.version)


@bp.route("/nouvelle", methods=["GET", "POST"])
@access("member")
def new():
    form = PracticeForm()
    _prepare(form)
    context: dict = {}
    if form.validate_on_submit():
        publish = request.form.get("action") == "publish"
        try:
            practice = services.create_practice(
                current_user, _data(form), publish=publish, uploads=_uploads()
            )
            record_confirmed(form, user=current_user, obj=practice)
        except (UploadError, services.PracticeError) as exc:
            db.session.rollback()
            context["error"] = str(exc)
        else:
            db.session.commit()
            flash(_("Pratique publiée.") if publish else _("Brouillon enregistré."), "success")
            return redirect(url_for("practices.show", practice_id=practice.id), code=303)
    status = 422 if request.method == "POST" else 200
    context["files_dropped"] = bool(_uploads())
    return render_template("practices/form.html", form=form, practice=None, **context), status


@bp.route("/<int:practice_id>/modifier", methods=["GET", "POST"])
@access("member")
def edit(practice_id: int):
    practice = found(
        services.get_for_update(practice_id) if request.method == "POST" else services.get(practice_id)
    )
    require(policy.can_edit(current_user, practice))
    form = PracticeForm()
    _prepare(form, practice)
    if request.method == "GET":
        _fill(form, practice)
        return render_template("practices/form.html", form=form, practice=practice)
    context: dict = {}
    status = 422
    if form.validate_on_submit():
        publish = request.form.get("action") == "publish"
        expected = bounded_int(form.version.data, 0)
        try:
            services.update_practice(
                current_user,
                practice,
                _data(form),
                expected_version=expected,
                publish=publish,
                uploads=_uploads(),
                remove_attachment_ids=list(form.remove_attachments.data or []),
            )
            record_confirmed(form, user=current_user, obj=practice)
        except services.Conflict:
            db.session.rollback()
            practice = found(services.get(practice_id))
            _prepare(form, practice)
            context["conflict"] = {
                "saved": practice,
                "changes": changes_between(
                    services.saved_version(practice), services.version_of(_data(form))
                ),
            }
            # The next save, made knowingly, replaces the saved version.
            form.version.data = str(practice.version)
            status = 409
        except (UploadError, services.PracticeError) as exc:
            db.session.rollback()
            context["error"] = str(exc)
        else:
            db.session.commit()
            flash(_("Pratique publiée.") if publish else _("Brouillon enregistré."), "success")
            return redirect(url_for("practices.show", practice_id=practice.id), code=303)
    practice = found(services.get(practice_id))
    context["files_dropped"] = bool(_uploads())
    return render_template("practices/form.html", form=form, practice=practice, **context), status


def _confirm_status(practice_id: int) -> Confirmation:
    practice = require_row(Practice, practice_id)
    require(policy.can_edit(current_user, practice))
    back = url_for("practices.show", practice_id=practice.id)
    if request.args.get("to") == "draft":
        return Confirmation(
            question=_("Remettre cette pratique en brouillon ?"),
            consequence=_(
                "Les autres organismes ne la verront plus tant qu’elle n’est pas publiée de nouveau."
            ),
            action=_("Remettre en brouillon"),
            back=back,
        )
    return Confirmation(
        question=_("Archiver cette pratique ?"),
        consequence=_(
            "Elle sera marquée « archivée » pour tout le réseau. Pour la modifier, il faudra la sortir "
            "des archives, en brouillon, puis la publier de nouveau."
        ),
        action=_("Archiver"),
        back=back,
    )


@bp.route("/<int:practice_id>/etat", methods=["GET", "POST"])
@access("member")
@confirm_first(_confirm_status)
def change_status(practice_id: int):
    practice = found(services.get_for_update(practice_id))
    require(policy.can_edit(current_user, practice))
    wanted = {"archive": Status.ARCHIVED, "draft": Status.DRAFT}.get(request.form.get("to", ""))
    if wanted is None:
        abort(400)
    try:
        services.set_status(current_user, practice, wanted)
    except services.PracticeError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(
            _("Pratique archivée.") if wanted == Status.ARCHIVED else _("Pratique remise en brouillon."),
            "success",
        )
    return redirect(url_for("practices.show", practice_id=practice_id), code=303)
