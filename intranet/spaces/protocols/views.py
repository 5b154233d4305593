"""Protocols of a space: parse, authorize, call, commit once, render (routes on the spaces blueprint)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from ...briefs import wait_for_render
from ...confirm import Confirmation, confirm_first
from ...diff import field_diff
from ...extensions import db
from ...guard import record_confirmed
from ...network import network_today, paper_size
from ...params import bounded_int, int_arg
from ...security import access, found, require, require_row
from ...urls import wants_fragment
from .. import policy
from ..views import _space, bp
from . import services as protocols
from .forms import ProtocolForm
from .models import Protocol


def _protocol(protocol_id: int) -> Protocol:
    protocol = require_row(Protocol, protocol_id)
    require(policy.can_see_protocol(current_user, protocol))
    return protocol


@bp.route("/<int:space_id>/protocoles")
@access("member")
def protocols_index(space_id: int):
    space = _space(space_id)
    return render_template(
        "spaces/protocols.html",
        space=space,
        protocols=protocols.protocols(current_user, space),
        can_draft=policy.can_draft_protocol(current_user, space),
    )


@bp.route("/<int:space_id>/protocoles/nouveau", methods=["GET", "POST"])
@access("member")
def new_protocol(space_id: int):
    space = _space(space_id)
    require(policy.can_draft_protocol(current_user, space))
    form = ProtocolForm()
    if form.validate_on_submit():
        protocol = protocols.create(
            current_user,
            space,
            title=form.title.data or "",
            body=form.body.data or "",
            review_on=form.review_on.data,
        )
        record_confirmed(form, user=current_user, obj=protocol)
        db.session.commit()
        flash(_("Protocole créé : l’espace peut le relire avant de l’ouvrir à la signature."), "success")
        return redirect(url_for("spaces.protocol", protocol_id=protocol.id), code=303)
    return render_template(
        "spaces/protocol_form.html", space=space, form=form, protocol=None
    ), 422 if form.errors else 200


def _pdf_fragment(protocol: Protocol, task):
    return render_template(
        "spaces/_protocol_pdf.html",
        protocol=protocol,
        task=task,
        can_request_pdf=protocols.can_request_pdf(current_user, protocol),
    )


@bp.route("/protocoles/<int:protocol_id>")
@access("member")
def protocol(protocol_id: int):
    item = _protocol(protocol_id)
    mine = protocols.signature_of(item, current_user.organization_id)
    return render_template(
        "spaces/protocol.html",
        protocol=item,
        space=item.space,
        signatures=protocols.signatories(item),
        waiting=protocols.organizations_signing(item) if item.status == "open" else [],
        mine=mine if mine is not None and mine.withdrawn_at is None else None,
        versions=protocols.versions(item),
        task=protocols.current_pdf(item),
        can_edit=policy.can_edit_protocol(current_user, item),
        can_sign=policy.can_sign_protocol(current_user, item),
        can_adopt=protocols.can_adopt(current_user, item),
        can_archive=protocols.can_archive(current_user, item),
        can_request_pdf=protocols.can_request_pdf(current_user, item),
        paper=paper_size(),
    )


@bp.route("/protocoles/<int:protocol_id>/modifier", methods=["GET", "POST"])
@access("member")
def edit_protocol(protocol_id: int):
    item = _protocol(protocol_id)
    require(policy.can_edit_protocol(current_user, item))
    form = ProtocolForm(obj=item if request.method == "GET" else None)
    if request.method == "GET":
        form.base_version.data = str(item.version_count)
    if form.validate_on_submit():
        try:
            version = protocols.update(
                current_user,
                item,
                title=form.title.data or "",
                body=form.body.data or "",
                review_on=form.review_on.data,
                base_version=bounded_int(form.base_version.data, -1),
            )
        except protocols.ProtocolError as exc:
            form.body.errors = [*form.body.errors, str(exc)]
        else:
            record_confirmed(form, user=current_user, obj=item)
            db.session.commit()
            flash(
                _("Version %(n)s enregistrée.", n=version.number)
                if version
                else _("Rien n’a changé dans le texte."),
                "success",
            )
            return redirect(url_for("spaces.protocol", protocol_id=item.id), code=303)
    return render_template(
        "spaces/protocol_form.html", space=item.space, form=form, protocol=item
    ), 422 if form.errors else 200


@bp.route("/protocoles/<int:protocol_id>/comparer")
@access("member")
def compare_protocol(protocol_id: int):
    item = _protocol(protocol_id)
    newer = found(protocols.get_version(item, int_arg("a", item.version_count)))
    older = protocols.get_version(item, int_arg("de", newer.number - 1))
    require(older is None or older.number < newer.number)
    return render_template(
        "spaces/protocol_compare.html",
        protocol=item,
        space=item.space,
        older=older,
        newer=newer,
        title_diff=field_diff("title", _("Titre"), older.title if older else "", newer.title),
        body_diff=field_diff("body", _("Texte"), older.body if older else "", newer.body, markdown=True),
    )


# --- steps that cannot be undone ----------------------------------------------------------------


def _step(protocol_id: int, allowed) -> Protocol:
    item = _protocol(protocol_id)
    require(allowed(current_user, item))
    return item


def _back(item: Protocol):
    return redirect(url_for("spaces.protocol", protocol_id=item.id), code=303)


def _ask(item: Protocol, question: str, consequence: str, action: str) -> Confirmation:
    return Confirmation(question, consequence, action, url_for("spaces.protocol", protocol_id=item.id))


def _act(item: Protocol, action, success: str):
    if FlaskForm().validate_on_submit():
        try:
            action()
        except protocols.ProtocolError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return _back(item)
        db.session.commit()
        flash(success, "success")
    return _back(item)


def _confirm_open(protocol_id: int) -> Confirmation:
    item = _step(protocol_id, policy.can_edit_protocol)
    return _ask(
        item,
        _("Ouvrir « %(title)s » à la signature ?", title=item.title),
        _(
            "Le texte ne pourra plus être modifié. La coordination de chaque organisation membre sera "
            "invitée à le signer pour son organisation."
        ),
        _("Ouvrir à la signature"),
    )


@bp.route("/protocoles/<int:protocol_id>/ouvrir", methods=["GET", "POST"])
@access("member")
@confirm_first(_confirm_open)
def open_protocol(protocol_id: int):
    item = _step(protocol_id, policy.can_edit_protocol)
    return _act(
        item,
        lambda: protocols.open_for_signature(current_user, item),
        _("Protocole ouvert à la signature : les coordinations sont prévenues."),
    )


def _confirm_sign(protocol_id: int) -> Confirmation:
    item = _step(protocol_id, policy.can_sign_protocol)
    return _ask(
        item,
        _("Signer « %(title)s » pour %(org)s ?", title=item.title, org=current_user.organization.name),
        _(
            "Votre organisation s’engage à appliquer ce protocole. Vous pourrez retirer la signature tant "
            "qu’il n’est pas adopté."
        ),
        _("Signer pour mon organisation"),
    )


@bp.route("/protocoles/<int:protocol_id>/signer", methods=["GET", "POST"])
@access("coordinator")
@confirm_first(_confirm_sign)
def sign_protocol(protocol_id: int):
    item = _step(protocol_id, policy.can_sign_protocol)
    return _act(
        item, lambda: protocols.sign(current_user, item), _("Signature enregistrée pour votre organisation.")
    )


def _confirm_withdraw(protocol_id: int) -> Confirmation:
    item = _step(protocol_id, policy.can_sign_protocol)
    return _ask(
        item,
        _("Retirer la signature de %(org)s ?", org=current_user.organization.name),
        _("Votre organisation ne figurera plus parmi les signataires ; elle pourra signer de nouveau."),
        _("Retirer la signature"),
    )


@bp.route("/protocoles/<int:protocol_id>/retirer-signature", methods=["GET", "POST"])
@access("coordinator")
@confirm_first(_confirm_withdraw)
def withdraw_protocol_signature(protocol_id: int):
    item = _step(protocol_id, policy.can_sign_protocol)
    return _act(item, lambda: protocols.withdraw(current_user, item), _("Signature retirée."))


def _confirm_adopt(protocol_id: int) -> Confirmation:
    item = _step(protocol_id, protocols.can_adopt)
    count = len(protocols.signatories(item))
    return _ask(
        item,
        _("Déclarer « %(title)s » adopté ?", title=item.title),
        _(
            "Les signatures se closent : les %(n)s organisations signataires l’ont adopté. L’espace en est "
            "informé et le PDF est préparé.",
            n=count,
        ),
        _("Déclarer adopté"),
    )


@bp.route("/protocoles/<int:protocol_id>/adopter", methods=["GET", "POST"])
@access("member")
@confirm_first(_confirm_adopt)
def adopt_protocol(protocol_id: int):
    item = _step(protocol_id, protocols.can_adopt)
    return _act(
        item,
        lambda: protocols.adopt(current_user, item, network_today()),
        _("Protocole adopté : l’espace en est informé."),
    )


def _confirm_archive(protocol_id: int) -> Confirmation:
    item = _step(protocol_id, protocols.can_archive)
    return _ask(
        item,
        _("Archiver « %(title)s » ?", title=item.title),
        _("Le protocole ne s’applique plus : il reste lisible, marqué archivé."),
        _("Archiver"),
    )


@bp.route("/protocoles/<int:protocol_id>/archiver", methods=["GET", "POST"])
@access("member")
@confirm_first(_confirm_archive)
def archive_protocol(protocol_id: int):
    item = _step(protocol_id, protocols.can_archive)
    return _act(item, lambda: protocols.archive(current_user, item), _("Protocole archivé."))


@bp.route("/protocoles/<int:protocol_id>/pdf", methods=["POST"])
@access("member")
def protocol_pdf(protocol_id: int):
    item = _step(protocol_id, protocols.can_request_pdf)
    task = protocols.request_pdf(current_user, item)
    db.session.commit()
    task = wait_for_render(task, current_app.config.get("ADVOCACY_BRIEF_WAIT", 1.5))
    if wants_fragment():
        return _pdf_fragment(item, task)
    return redirect(url_for("spaces.protocol", protocol_id=item.id, _anchor="pdf"), code=303)
