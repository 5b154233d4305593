"""Drafting and the workflow: a new text, editing (an edit conflict shows what changed), the steps,
archiving (asked first)."""

from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...confirm import Confirmation, confirm_first, confirmation_page
from ...extensions import db
from ...guard import record_confirmed
from ...params import bounded_int
from ...security import access, require
from .. import policy, services
from ..diff import compare
from ..forms import NoteForm, PositionForm
from ..models import Kind
from .common import CONFIRMED_ACTIONS, back_to, bp, diff_labels, load_position, member_markdown, show_page


def _data_from(form: PositionForm) -> services.PositionData:
    return services.PositionData(
        kind=Kind(form.kind.data),
        language=form.language.data,
        title=form.title.data or "",
        addressee=form.addressee.data or "",
        summary=form.summary.data or "",
        body=form.body.data or "",
        demands=services.parse_demands(form.demands.data),
        theme_ids=list(form.themes.data or []),
    )


@bp.route("/nouveau", methods=["GET", "POST"])
@access("member")
def create():
    form = PositionForm()
    if request.method == "GET":
        form.language.data = current_user.locale if current_user.locale in ("fr", "en") else "fr"
    error = None
    if form.validate_on_submit():
        try:
            position = services.create_position(current_user, _data_from(form))
            record_confirmed(form, user=current_user, obj=position)
        except services.AdvocacyError as exc:
            error = str(exc.args[0])
        else:
            db.session.commit()
            flash(_("Brouillon enregistré."), "success")
            return back_to(position)
    status = 422 if request.method == "POST" else 200
    return render_template("advocacy/edit.html", form=form, position=None, error=error), status


@bp.route("/<int:position_id>/modifier", methods=["GET", "POST"])
@access("member")
def edit(position_id: int):
    position = load_position(position_id, for_update=request.method == "POST")
    form = PositionForm(
        obj=None if request.method == "POST" else position, themes_kept=[t.id for t in position.themes]
    )
    if not policy.can_edit(current_user, position):
        # Submitted (or approved...) while a colleague was still writing: say so, and hand her
        # text back rather than dropping it.
        require(request.method == "POST" and policy.is_member_of_owner(current_user, position))
        return render_template(
            "advocacy/edit.html",
            form=form,
            position=position,
            error=None,
            conflict=None,
            frozen=True,
        ), 409
    if request.method == "GET":
        form.kind.data = position.kind.value
        form.demands.data = "\n".join(position.demands or [])
        form.themes.data = [t.id for t in position.themes]
        form.revision.data = str(position.revision)
    error = None
    conflict = None
    status = 200
    if form.validate_on_submit():
        base = bounded_int(form.revision.data, 0)
        try:
            services.update_position(current_user, position, _data_from(form), base_revision=base)
            record_confirmed(form, user=current_user, obj=position)
        except services.EditConflict:
            db.session.rollback()
            position = load_position(position_id)
            mine = _data_from(form)
            conflict = {
                "by": position.updated_by.name if position.updated_by else None,
                "at": position.updated_at,
                "fields": [
                    f for f in compare(position, mine, diff_labels(), render=member_markdown) if f.changed
                ],
            }
            # The next save is deliberate: it starts from what is saved now.
            form.revision.data = str(position.revision)
            status = 409
        except services.AdvocacyError as exc:
            error = str(exc.args[0])
        else:
            db.session.commit()
            flash(_("Modifications enregistrées."), "success")
            return back_to(position)
    if request.method == "POST" and status == 200:
        status = 422
    return render_template(
        "advocacy/edit.html", form=form, position=position, error=error, conflict=conflict
    ), status


@bp.route("/<int:position_id>/etape/<action>", methods=["POST"])
@access("member")
def act(position_id: int, action: str):
    position = load_position(position_id, for_update=True)
    require(action in policy.TRANSITIONS and action not in CONFIRMED_ACTIONS)
    form = NoteForm()
    if not form.validate_on_submit():
        if form.guard_findings:
            # Warn, show, confirm: the page comes back with the note as typed and what was found.
            return show_page(position, 422, note_form=form, note_action=action)
        flash(_("La note est trop longue."), "error")
        return back_to(position, "etapes")
    try:
        step = services.transition(current_user, position, action, form.note.data or "")
        record_confirmed(form, user=current_user, obj=step)
    except services.AdvocacyError as exc:
        db.session.rollback()
        flash(str(exc.args[0]), "error")
        return back_to(position, "etapes")
    db.session.commit()
    flash(_("Étape enregistrée : %(status)s.", status=position.status_label), "success")
    return back_to(position)


def _confirm_archive(position_id: int, form: NoteForm | None = None) -> Confirmation:
    position = load_position(position_id)
    require(policy.can_transition(current_user, position, "archive"))
    return Confirmation(
        question=_("Archiver ce texte ?"),
        consequence=_(
            "Il restera lisible par le réseau, marqué « archivé ». La cosignature sera close, et un "
            "texte archivé ne revient pas en arrière."
        ),
        action=_("Archiver"),
        back=url_for("advocacy.show", position_id=position.id, _anchor="etapes"),
        form=form or NoteForm(formdata=None),
    )


@bp.route("/<int:position_id>/archivage", methods=["GET", "POST"])
@access("member")
@confirm_first(_confirm_archive)
def archive(position_id: int):
    """Archiving, the one step that takes a text out of use, asks first (``act`` does the others)."""
    position = load_position(position_id, for_update=True)
    form = NoteForm()
    if not form.validate_on_submit():
        return confirmation_page(_confirm_archive(position_id, form), 422)
    try:
        services.transition(current_user, position, "archive", form.note.data or "")
    except services.AdvocacyError as exc:
        db.session.rollback()
        flash(str(exc.args[0]), "error")
        return back_to(position, "etapes")
    db.session.commit()
    flash(_("Étape enregistrée : %(status)s.", status=position.status_label), "success")
    return back_to(position)
