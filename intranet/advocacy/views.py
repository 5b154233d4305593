"""Advocacy pages: thin views that parse, authorize (policy), call services, commit once, render."""

from __future__ import annotations

import re
from datetime import datetime

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from .. import guard
from ..confirm import Confirmation, confirm_first, confirmation_page
from ..extensions import db
from ..files.services import send_stored_file
from ..guard import record_confirmed
from ..markdown import render_markdown
from ..network import network_zone
from ..params import bounded_int, int_arg
from ..security import access, found, require, require_row
from ..themes.services import choices as theme_choices
from ..urls import wants_fragment
from . import policy, services
from .diff import compare
from .forms import AttachmentForm, CommentForm, CosignOpenForm, NoteForm, PositionForm
from .models import KIND_LABELS, Attachment, Kind, Position, Status

bp = Blueprint("advocacy", __name__, url_prefix="/plaidoyer")


def _diff_labels() -> dict[str, str]:
    return {
        "title": _("Titre"),
        "addressee": _("Destinataire"),
        "summary": _("Résumé"),
        "demands": _("Revendications"),
        "body": _("Texte"),
    }


_HEADING = re.compile(r"<(/?)h([1-6])>")


def member_markdown(text: str | None) -> Markup:
    """Member Markdown for a page whose sections are h2: their headings start at h3 (one h1)."""
    html = str(render_markdown(text))
    return Markup(_HEADING.sub(lambda m: f"<{m.group(1)}h{min(max(int(m.group(2)) + 1, 3), 6)}>", html))


def today():
    return datetime.now(network_zone()).date()


def _load(position_id: int, *, for_update: bool = False) -> Position:
    position = found(
        services.get_for_update(position_id) if for_update else db.session.get(Position, position_id)
    )
    require(policy.can_view(current_user, position))
    return position


# Steps with a route of their own that asks first (intranet/confirm.py).
CONFIRMED_ACTIONS = {"archive": "advocacy.archive"}


def _back(position: Position, anchor: str | None = None):
    return redirect(url_for("advocacy.show", position_id=position.id, _anchor=anchor), code=303)


@bp.route("/")
@access("member")
def index():
    return render_template(
        "advocacy/index.html",
        mine=services.organization_positions(current_user),
        queue=services.review_queue(current_user),
        cosigning=services.open_for_cosigning(current_user, today()),
    )


@bp.route("/bibliotheque")
@access("member")
def library():
    kind = request.args.get("type") or None
    theme = int_arg("theme")
    year = int_arg("annee", maximum=9999)
    if kind not in {k.value for k in Kind}:
        kind = None
    positions = services.library(kind=kind, year=year, theme=theme)
    context = dict(
        positions=positions,
        years=services.library_years(),
        kind=kind,
        year=year,
        theme=theme,
        kinds=KIND_LABELS,
        themes=theme_choices(),
        briefs={p.id: services.current_brief(p) for p in positions},
    )
    if wants_fragment():
        return render_template("advocacy/_library_results.html", **context)
    return render_template("advocacy/library.html", **context)


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
            return _back(position)
    status = 422 if request.method == "POST" else 200
    return render_template("advocacy/edit.html", form=form, position=None, error=error), status


@bp.route("/<int:position_id>")
@access("member")
def show(position_id: int):
    return _show(_load(position_id))


def _show(position: Position, status: int = 200, **forms):
    """The page of a text; ``forms`` carries a step's note or an attachment the guard sent back."""
    history = policy.can_view_history(current_user, position)
    return render_template(
        "advocacy/show.html",
        position=position,
        history=history,
        steps=services.transitions(position) if history else [],
        actions=policy.allowed_actions(current_user, position),
        action_labels=services.ACTION_LABELS,
        note_form=forms.get("note_form") or NoteForm(formdata=None),
        note_action=forms.get("note_action"),
        can_edit=policy.can_edit(current_user, position),
        attachments=services.attachments(position),
        attachment_form=forms.get("attachment_form") or AttachmentForm(formdata=None),
        signatures=services.signatories(position),
        my_signature=services.signature_of(position, current_user.organization_id),
        can_sign=policy.can_sign(current_user, position, today()),
        cosigning_open=policy.cosigning_is_open(position, today()),
        can_manage_cosigning=policy.can_manage_cosigning(current_user, position),
        cosign_form=CosignOpenForm(),
        task=services.current_brief(position),
        can_request_brief=policy.can_request_brief(current_user, position),
        changes_note=services.last_request_for_changes(position)
        if history and position.status == Status.CHANGES_REQUESTED
        else None,
        # What the authors confirmed when the guard asked (kinds only), for those who review it.
        confirmations=guard.confirmations_for(position) if history else [],
    ), status


@bp.route("/<int:position_id>/modifier", methods=["GET", "POST"])
@access("member")
def edit(position_id: int):
    position = _load(position_id, for_update=request.method == "POST")
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
            position = _load(position_id)
            mine = _data_from(form)
            conflict = {
                "by": position.updated_by.name if position.updated_by else None,
                "at": position.updated_at,
                "fields": [f for f in compare(position, mine, _diff_labels(), render=member_markdown) if f.changed],
            }
            # The next save is deliberate: it starts from what is saved now.
            form.revision.data = str(position.revision)
            status = 409
        except services.AdvocacyError as exc:
            error = str(exc.args[0])
        else:
            db.session.commit()
            flash(_("Modifications enregistrées."), "success")
            return _back(position)
    if request.method == "POST" and status == 200:
        status = 422
    return render_template(
        "advocacy/edit.html", form=form, position=position, error=error, conflict=conflict
    ), status


@bp.route("/<int:position_id>/etape/<action>", methods=["POST"])
@access("member")
def act(position_id: int, action: str):
    position = _load(position_id, for_update=True)
    require(action in policy.TRANSITIONS and action not in CONFIRMED_ACTIONS)
    form = NoteForm()
    if not form.validate_on_submit():
        if form.guard_findings:
            # Warn, show, confirm: the page comes back with the note as typed and what was found.
            return _show(position, 422, note_form=form, note_action=action)
        flash(_("La note est trop longue."), "error")
        return _back(position, "etapes")
    try:
        step = services.transition(current_user, position, action, form.note.data or "")
        record_confirmed(form, user=current_user, obj=step)
    except services.AdvocacyError as exc:
        db.session.rollback()
        flash(str(exc.args[0]), "error")
        return _back(position, "etapes")
    db.session.commit()
    flash(_("Étape enregistrée : %(status)s.", status=position.status_label), "success")
    return _back(position)


def _confirm_archive(position_id: int, form: NoteForm | None = None) -> Confirmation:
    position = _load(position_id)
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
    position = _load(position_id, for_update=True)
    form = NoteForm()
    if not form.validate_on_submit():
        return confirmation_page(_confirm_archive(position_id, form), 422)
    try:
        services.transition(current_user, position, "archive", form.note.data or "")
    except services.AdvocacyError as exc:
        db.session.rollback()
        flash(str(exc.args[0]), "error")
        return _back(position, "etapes")
    db.session.commit()
    flash(_("Étape enregistrée : %(status)s.", status=position.status_label), "success")
    return _back(position)


def _version(position: Position, number: int):
    require(policy.can_view_history(current_user, position))
    version = found(services.get_version(position, number))
    return version


@bp.route("/<int:position_id>/versions/<int:number>", methods=["GET", "POST"])
@access("member")
def version(position_id: int, number: int):
    position = _load(position_id)
    version = _version(position, number)
    form = CommentForm()
    status = 200
    if request.method == "POST":
        require(policy.can_comment(current_user, position))
        if form.validate_on_submit():
            try:
                comment = services.add_comment(current_user, version, form.body.data or "")
                record_confirmed(form, user=current_user, obj=comment)
            except services.AdvocacyError as exc:
                form.body.errors = [*form.body.errors, str(exc.args[0])]
            else:
                db.session.commit()
                if wants_fragment():
                    return render_template(
                        "advocacy/_comments.html",
                        position=position,
                        version=version,
                        form=CommentForm(formdata=None),
                    )
                flash(_("Commentaire ajouté."), "success")
                return redirect(
                    url_for(
                        "advocacy.version", position_id=position.id, number=number, _anchor="commentaires"
                    ),
                    code=303,
                )
        status = 422
        if wants_fragment():
            return render_template(
                "advocacy/_comments.html", position=position, version=version, form=form
            ), status
    return render_template(
        "advocacy/version.html",
        position=position,
        version=version,
        form=form,
        can_comment=policy.can_comment(current_user, position),
    ), status


@bp.route("/<int:position_id>/comparer")
@access("member")
def compare_versions(position_id: int):
    position = _load(position_id)
    require(policy.can_view_history(current_user, position))
    numbers = [v.number for v in position.versions]
    require(len(numbers) > 0)
    old_n = int_arg("de") or (numbers[-2] if len(numbers) > 1 else numbers[-1])
    new_n = int_arg("a")
    old = _version(position, old_n)
    # "a" absent or 0: the working copy (what the organization is editing now).
    new = _version(position, new_n) if new_n else position
    fields = compare(old, new, _diff_labels(), render=member_markdown)
    return render_template(
        "advocacy/compare.html",
        position=position,
        old=old,
        new=new,
        new_n=new_n,
        numbers=numbers,
        fields=fields,
    )


# --- co-signing --------------------------------------------------------------------------------


@bp.route("/<int:position_id>/cosignature/ouvrir", methods=["POST"])
@access("staff")
def cosign_open(position_id: int):
    position = _load(position_id, for_update=True)
    form = CosignOpenForm()
    if not form.validate_on_submit():
        flash(_("Indiquez une date de clôture valide."), "error")
        return _back(position, "cosignature")
    closes_on = form.closes_on.data
    assert closes_on is not None  # DataRequired
    try:
        services.open_cosigning(current_user, position, closes_on, today())
    except services.AdvocacyError as exc:
        db.session.rollback()
        flash(str(exc.args[0]), "error")
        return _back(position, "cosignature")
    db.session.commit()
    flash(_("Cosignature ouverte jusqu’au %(date)s.", date=format_date(form.closes_on.data, "long")), "success")
    return _back(position, "cosignature")


@bp.route("/<int:position_id>/cosignature/fermer", methods=["POST"])
@access("staff")
def cosign_close(position_id: int):
    position = _load(position_id, for_update=True)
    try:
        services.close_cosigning(current_user, position)
    except services.AdvocacyError as exc:
        db.session.rollback()
        flash(str(exc.args[0]), "error")
        return _back(position, "cosignature")
    db.session.commit()
    flash(_("Cosignature fermée."), "success")
    return _back(position, "cosignature")


def _cosign_response(position: Position, message: str, ok: bool):
    if wants_fragment():
        return render_template(
            "advocacy/_cosign.html",
            position=position,
            signatures=services.signatories(position),
            my_signature=services.signature_of(position, current_user.organization_id),
            can_sign=policy.can_sign(current_user, position, today()),
            cosigning_open=policy.cosigning_is_open(position, today()),
            can_manage_cosigning=policy.can_manage_cosigning(current_user, position),
            cosign_form=CosignOpenForm(),
            message=message,
        ), (200 if ok else 422)
    flash(message, "success" if ok else "error")
    return _back(position, "cosignature")


def _confirm_sign(position_id: int) -> Confirmation:
    position = _load(position_id)
    org = current_user.organization.name
    return Confirmation(
        question=_("Signer au nom de %(org)s ?", org=org),
        consequence=_(
            "%(org)s figurera parmi les cosignataires de ce texte, aux yeux de tout le réseau et dans "
            "le dossier remis aux décideurs.",
            org=org,
        ),
        action=_("Signer au nom de %(org)s", org=org),
        back=url_for("advocacy.show", position_id=position.id, _anchor="cosignature"),
    )


def _confirm_withdraw(position_id: int) -> Confirmation:
    position = _load(position_id)
    org = current_user.organization.name
    return Confirmation(
        question=_("Retirer la signature de %(org)s ?", org=org),
        consequence=_("%(org)s ne figurera plus parmi les cosignataires de ce texte.", org=org),
        notes=[_("Vous pourrez signer de nouveau tant que la cosignature est ouverte.")],
        action=_("Retirer la signature de %(org)s", org=org),
        back=url_for("advocacy.show", position_id=position.id, _anchor="cosignature"),
    )


@bp.route("/<int:position_id>/cosignature/signer", methods=["GET", "POST"])
@access("coordinator")
@confirm_first(_confirm_sign)
def sign(position_id: int):
    position = _load(position_id, for_update=True)
    try:
        services.sign(current_user, position, today())
    except services.AdvocacyError as exc:
        db.session.rollback()
        return _cosign_response(position, str(exc.args[0]), False)
    db.session.commit()
    return _cosign_response(
        position, _("%(org)s cosigne ce texte.", org=current_user.organization.name), True
    )


@bp.route("/<int:position_id>/cosignature/retirer", methods=["GET", "POST"])
@access("coordinator")
@confirm_first(_confirm_withdraw)
def withdraw(position_id: int):
    position = _load(position_id, for_update=True)
    try:
        services.withdraw(current_user, position, today())
    except services.AdvocacyError as exc:
        db.session.rollback()
        return _cosign_response(position, str(exc.args[0]), False)
    db.session.commit()
    return _cosign_response(position, _("Signature retirée."), True)


# --- the PDF brief -----------------------------------------------------------------------------


@bp.route("/<int:position_id>/dossier", methods=["POST"])
@access("member")
def brief(position_id: int):
    position = _load(position_id)
    require(policy.can_request_brief(current_user, position))
    task = services.request_brief(current_user, position, cover=request.form.get("cover") == "1")
    db.session.commit()
    task = services.wait_for_brief(task, current_app.config.get("ADVOCACY_BRIEF_WAIT", 1.5))
    if wants_fragment():
        return render_template("advocacy/_brief.html", position=position, task=task, can_request_brief=True)
    return _back(position, "dossier")


# --- attachments -------------------------------------------------------------------------------


def _attachment(position: Position, attachment_id: int) -> Attachment:
    attachment = require_row(Attachment, attachment_id)
    require(attachment.position_id == position.id)
    return attachment


@bp.route("/<int:position_id>/pieces-jointes", methods=["POST"])
@access("member")
def attach(position_id: int):
    position = _load(position_id, for_update=True)
    require(policy.can_manage_attachments(current_user, position))
    form = AttachmentForm()
    if not form.validate_on_submit():
        if form.guard_findings:
            return _show(position, 422, attachment_form=form)
        flash(" ".join(str(e) for e in form.file.errors) or _("Choisissez un fichier."), "error")
        return _back(position, "pieces-jointes")
    try:
        attachment = services.add_attachment(current_user, position, form.file.data)
        record_confirmed(form, user=current_user, obj=attachment)
    except services.AdvocacyError as exc:
        db.session.rollback()
        flash(str(exc.args[0]), "error")
        return _back(position, "pieces-jointes")
    db.session.commit()
    flash(_("Pièce jointe ajoutée : %(name)s", name=attachment.file.original_name), "success")
    return _back(position, "pieces-jointes")


@bp.route("/<int:position_id>/pieces-jointes/<int:attachment_id>")
@access("member")
def attachment(position_id: int, attachment_id: int):
    position = _load(position_id)
    return send_stored_file(_attachment(position, attachment_id).file)


def _confirm_detach(position_id: int, attachment_id: int) -> Confirmation:
    position = _load(position_id)
    require(policy.can_manage_attachments(current_user, position))
    item = _attachment(position, attachment_id)
    return Confirmation(
        question=_("Retirer la pièce jointe « %(name)s » ?", name=item.file.original_name),
        consequence=_("Le fichier sera supprimé : il faudra l’envoyer de nouveau pour le joindre."),
        action=_("Retirer la pièce jointe"),
        back=url_for("advocacy.show", position_id=position.id, _anchor="pieces-jointes"),
    )


@bp.route("/<int:position_id>/pieces-jointes/<int:attachment_id>/supprimer", methods=["GET", "POST"])
@access("member")
@confirm_first(_confirm_detach)
def detach(position_id: int, attachment_id: int):
    position = _load(position_id, for_update=True)
    require(policy.can_manage_attachments(current_user, position))
    item = _attachment(position, attachment_id)
    name = item.file.original_name
    services.remove_attachment(current_user, item)
    db.session.commit()
    flash(_("Pièce jointe retirée : %(name)s", name=name), "success")
    return _back(position, "pieces-jointes")
