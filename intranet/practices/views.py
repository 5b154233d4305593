"""Pages of the good-practices library: thin views over services and policy."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from .. import guard
from ..accounts.models import Region, Sector
from ..confirm import Confirmation, confirm_first, confirmation_page
from ..diff import FieldDiff, field_diff, list_field
from ..extensions import db
from ..files.services import UploadError, send_stored_file
from ..guard import record_confirmed
from ..home.desk import Waiting
from ..params import bounded_int, int_arg
from ..security import access, found, require, require_row
from ..tasks.services import submit_task
from ..urls import wants_fragment
from . import highlights, policy, services
from .forms import CommentForm, PracticeForm, ReportForm, WithdrawForm
from .labels import label as practice_label
from .models import (
    Approach,
    Practice,
    PracticeAttachment,
    PracticeComment,
    PracticeReport,
    Status,
    Visibility,
)

bp = Blueprint("practices", __name__, url_prefix="/pratiques")


def _locale() -> str:
    return str(get_locale() or "fr")


def _visible(practice_id: int) -> Practice:
    practice = found(services.get(practice_id))
    require(policy.can_view(current_user, practice))
    return practice


def _filters() -> services.Filters:
    approach = request.args.get("approach") or None
    sector = request.args.get("sector") or None
    return services.Filters(
        q=(request.args.get("q") or "")[:200],
        theme_id=int_arg("theme"),
        approach=approach if approach in Approach.__members__.values() else None,
        sector=sector if sector in Sector.__members__.values() else None,
        region_id=int_arg("region"),
        organization_id=int_arg("org"),
    )


# --- finding --------------------------------------------------------------------------------------


@bp.route("/")
@access("member")
def index():
    filters = _filters()
    results = services.find(current_user, filters, page=int_arg("page", 1))
    context = {"filters": filters, "results": results, "marked": highlights.for_page(results.items, filters.q)}
    if wants_fragment():
        return render_template("practices/_results.html", oob=True, **context)
    return render_template("practices/index.html", choices=services.filter_choices(current_user), **context)


@bp.route("/selection")
@access("member")
def selection():
    return render_template("practices/selection.html", practices=services.bookmarked(current_user))


@bp.route("/mon-organisme")
@access("member")
def mine():
    return render_template("practices/mine.html", practices=services.organization_practices(current_user))


# --- reading ------------------------------------------------------------------------------------------


@bp.route("/<int:practice_id>")
@access("member")
def show(practice_id: int):
    practice = _visible(practice_id)
    return render_template(
        "practices/show.html",
        practice=practice,
        comments=services.comments(practice),
        comment_form=CommentForm(),
        marks=services.marks_of(current_user, practice),
        related=services.related(current_user, practice),
        can_edit=policy.can_edit(current_user, practice),
        can_moderate=policy.can_moderate(current_user, practice),
        can_discuss=policy.can_discuss(current_user, practice),
        withdraw_form=WithdrawForm(),
    )


@bp.route("/<int:practice_id>/imprimer")
@access("member")
def printable(practice_id: int):
    practice = _visible(practice_id)
    return render_template("practices/print.html", practice=practice)


@bp.route("/pieces-jointes/<int:attachment_id>")
@access("member")
def attachment(attachment_id: int):
    item = require_row(PracticeAttachment, attachment_id)
    require(policy.can_download_attachments(current_user, item.practice))
    return send_stored_file(item.file)


@bp.route("/<int:practice_id>/pdf", methods=["POST"])
@access("member")
def pdf(practice_id: int):
    practice = _visible(practice_id)
    locale = _locale()
    task = submit_task(
        kind="practice_pdf",
        func="jobs.practices.render_practice_pdf",
        args=[practice.id, locale],
        user=current_user,
        queue="pdf",
        # One task per person, version and language; the file itself is shared per version.
        cache_key=f"practice-pdf:{practice.id}:v{practice.version}:{locale}:u{current_user.id}",
    )
    db.session.commit()
    if wants_fragment():
        return render_template("tasks/_status.html", task=task)
    return redirect(url_for("tasks.status", public_id=task.public_id), code=303)


@bp.route("/<int:practice_id>/historique")
@access("member")
def history(practice_id: int):
    practice = _visible(practice_id)
    return render_template("practices/history.html", practice=practice, revisions=services.revisions(practice))


@bp.route("/<int:practice_id>/historique/<int:number>")
@access("member")
def revision(practice_id: int, number: int):
    practice = _visible(practice_id)
    current = found(services.revision(practice, number))
    previous = services.revision(practice, number - 1) if number > 1 else None
    return render_template(
        "practices/revision.html",
        practice=practice,
        revision=current,
        previous=previous,
        changes=_changes(previous, current),
    )


def _changes(old, new) -> list[FieldDiff]:
    """Every part that differs between two versions (old may be None), the body as formatted text."""

    def get(obj, name, default=""):
        return (getattr(obj, name, None) or default) if obj is not None else default

    parts = [
        field_diff("title", _("Titre"), get(old, "title"), get(new, "title")),
        field_diff("summary", _("Résumé"), get(old, "summary"), get(new, "summary")),
        field_diff("audience", _("Public visé"), get(old, "audience"), get(new, "audience")),
        field_diff("body", _("Description"), get(old, "body"), get(new, "body"), markdown=True),
    ]
    before, after = get(old, "details", {}), get(new, "details", {})
    labels = {"themes": _("Thèmes"), "approaches": _("Approches"), "sectors": _("Secteurs concernés")}
    for key, label in labels.items():
        shown = key != "themes"  # stored values of approaches and sectors get their words
        old_items = [practice_label(v) if shown else v for v in before.get(key) or []]
        new_items = [practice_label(v) if shown else v for v in after.get(key) or []]
        parts.append(list_field(key, label, old_items, new_items))
    for key, label in (("region", _("Région")), ("visibility", _("Qui peut la lire"))):
        old_v, new_v = before.get(key), after.get(key)
        if key == "visibility":
            old_v, new_v = (practice_label(old_v) if old_v else None), (practice_label(new_v) if new_v else None)
        parts.append(list_field(key, label, [old_v] if old_v else [], [new_v] if new_v else []))
    return [part for part in parts if part.changed]


# --- writing ------------------------------------------------------------------------------------------


def _prepare(form: PracticeForm, practice: Practice | None = None) -> None:
    locale = _locale()
    themes = services.list_themes(active_only=False)
    kept = {t.id for t in practice.themes} if practice else set()
    form.themes.choices = [(t.id, t.label(locale)) for t in themes if t.active or t.id in kept]
    form.region_id.choices = [(0, _("— Aucune en particulier —"))] + [
        (r.id, r.name) for r in db.session.scalars(sa.select(Region).order_by(Region.name))
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
            practice = services.create_practice(current_user, _data(form), publish=publish, uploads=_uploads())
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
                "changes": _changes(services.saved_version(practice), services.version_of(_data(form))),
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
    practice = found(services.get(practice_id))
    require(policy.can_edit(current_user, practice))
    back = url_for("practices.show", practice_id=practice.id)
    if request.args.get("to") == "draft":
        return Confirmation(
            question=_("Remettre cette pratique en brouillon ?"),
            consequence=_("Les autres organismes ne la verront plus tant qu’elle n’est pas publiée de nouveau."),
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
        flash(_("Pratique archivée.") if wanted == Status.ARCHIVED else _("Pratique remise en brouillon."), "success")
    return redirect(url_for("practices.show", practice_id=practice_id), code=303)


# --- discussion -----------------------------------------------------------------------------------------


def _comments_fragment(practice: Practice, form: CommentForm | None = None, status: int = 200):
    return (
        render_template(
            "practices/_comments.html",
            practice=practice,
            comments=services.comments(practice),
            comment_form=form or CommentForm(formdata=None),
            can_discuss=policy.can_discuss(current_user, practice),
            can_moderate=policy.can_moderate(current_user, practice),
        ),
        status,
    )


@bp.route("/<int:practice_id>/commentaires", methods=["POST"])
@access("member")
def comment(practice_id: int):
    practice = _visible(practice_id)
    require(policy.can_discuss(current_user, practice))
    form = CommentForm()
    if form.validate_on_submit():
        item = services.add_comment(current_user, practice, form.body.data or "")
        record_confirmed(form, user=current_user, obj=item)
        db.session.commit()
        if wants_fragment():
            return _comments_fragment(practice)
        flash(_("Commentaire publié."), "success")
        return redirect(url_for("practices.show", practice_id=practice.id, _anchor="commentaires"), code=303)
    if wants_fragment():
        return _comments_fragment(practice, form, 422)
    return (
        render_template(
            "practices/show.html",
            practice=practice,
            comments=services.comments(practice),
            comment_form=form,
            marks=services.marks_of(current_user, practice),
            related=services.related(current_user, practice),
            can_edit=policy.can_edit(current_user, practice),
            can_moderate=policy.can_moderate(current_user, practice),
            can_discuss=True,
            withdraw_form=WithdrawForm(formdata=None),
        ),
        422,
    )


def _own_comment(comment_id: int) -> PracticeComment:
    item = require_row(PracticeComment, comment_id)
    require(policy.can_view(current_user, item.practice))
    require(policy.can_change_comment(current_user, item))
    return item


@bp.route("/commentaires/<int:comment_id>/modifier", methods=["GET", "POST"])
@access("member")
def edit_comment(comment_id: int):
    item = _own_comment(comment_id)
    form = CommentForm(obj=item) if request.method == "GET" else CommentForm()
    if form.validate_on_submit():
        services.edit_comment(current_user, item, form.body.data or "")
        record_confirmed(form, user=current_user, obj=item)
        db.session.commit()
        flash(_("Commentaire modifié."), "success")
        return redirect(url_for("practices.show", practice_id=item.practice_id, _anchor=f"c{item.id}"), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("practices/comment_edit.html", form=form, comment=item), status


def _confirm_delete_comment(comment_id: int) -> Confirmation:
    item = _own_comment(comment_id)
    return Confirmation(
        question=_("Supprimer ce commentaire ?"),
        consequence=_("Il disparaîtra de la discussion pour tout le monde. C’est définitif."),
        action=_("Supprimer le commentaire"),
        back=url_for("practices.show", practice_id=item.practice_id, _anchor=f"c{item.id}"),
    )


@bp.route("/commentaires/<int:comment_id>/suppression", methods=["GET", "POST"])
@access("member")
@confirm_first(_confirm_delete_comment)
def delete_comment(comment_id: int):
    item = _own_comment(comment_id)
    practice = item.practice
    services.delete_comment(current_user, item)
    db.session.commit()
    if wants_fragment():
        return _comments_fragment(practice)
    flash(_("Commentaire supprimé."), "success")
    return redirect(url_for("practices.show", practice_id=practice.id, _anchor="commentaires"), code=303)


@bp.route("/<int:practice_id>/aidee", methods=["POST"])
@access("member")
def helpful(practice_id: int):
    practice = _visible(practice_id)
    require(policy.can_discuss(current_user, practice))
    services.toggle_helpful(current_user, practice)
    db.session.commit()
    if wants_fragment():
        return render_template(
            "practices/_marks.html", practice=practice, marks=services.marks_of(current_user, practice)
        )
    return redirect(url_for("practices.show", practice_id=practice.id), code=303)


@bp.route("/<int:practice_id>/selection", methods=["POST"])
@access("member")
def bookmark(practice_id: int):
    practice = _visible(practice_id)
    services.toggle_bookmark(current_user, practice)
    db.session.commit()
    if wants_fragment():
        return render_template(
            "practices/_marks.html", practice=practice, marks=services.marks_of(current_user, practice)
        )
    return redirect(request.form.get("next") == "selection" and url_for("practices.selection")
                    or url_for("practices.show", practice_id=practice.id), code=303)


# --- moderation --------------------------------------------------------------------------------------------


@bp.route("/<int:practice_id>/signaler", methods=["GET", "POST"])
@access("member")
def report(practice_id: int):
    practice = _visible(practice_id)
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
    practice = found(services.get(practice_id))
    require(policy.can_view(current_user, practice))
    require(policy.can_moderate(current_user, practice))
    return Confirmation(
        question=_("Retirer cette pratique ?"),
        consequence=_(
            "Elle ne sera plus visible du réseau ; les personnes qui l’ont écrite verront la raison et en seront prévenues."
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
