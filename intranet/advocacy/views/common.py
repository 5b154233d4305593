"""What the advocacy pages share: the blueprint, member Markdown, the network's date, loading a
text the visitor may see (and a version of it), and a text's page."""

from __future__ import annotations

import re

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ... import guard
from ...markdown import render_markdown
from ...network import network_today
from ...security import found, require, require_row
from .. import policy, services
from ..forms import AttachmentForm, CosignOpenForm, NoteForm
from ..models import Position, Status

bp = Blueprint("advocacy", __name__, url_prefix="/plaidoyer")


def diff_labels() -> dict[str, str]:
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
    return network_today()


def load_position(position_id: int, *, for_update: bool = False) -> Position:
    if for_update:
        position = found(services.get_for_update(position_id))
    else:
        position = require_row(Position, position_id)
    require(policy.can_view(current_user, position))
    return position


# Steps with a route of their own that asks first (intranet/confirm.py).
CONFIRMED_ACTIONS = {"archive": "advocacy.archive"}


def back_to(position: Position, anchor: str | None = None):
    return redirect(url_for("advocacy.show", position_id=position.id, _anchor=anchor), code=303)


def show_page(position: Position, status: int = 200, **forms):
    """The page of a text; ``forms`` carries a step's note or an attachment the guard sent back."""
    history = policy.can_view_history(current_user, position)
    signatures = services.signatories(position)
    return render_template(
        "advocacy/show.html",
        position=position,
        history=history,
        steps=services.transitions(position) if history else [],
        comment_counts=services.comment_counts(position) if history else {},
        actions=policy.allowed_actions(current_user, position),
        action_labels=services.ACTION_LABELS,
        note_form=forms.get("note_form") or NoteForm(formdata=None),
        note_action=forms.get("note_action"),
        can_edit=policy.can_edit(current_user, position),
        attachments=services.attachments(position),
        attachment_form=forms.get("attachment_form") or AttachmentForm(formdata=None),
        signatures=signatures,
        my_signature=services.signature_of(position, current_user.organization_id),
        can_sign=policy.can_sign(current_user, position, today()),
        cosigning_open=policy.cosigning_is_open(position, today()),
        can_manage_cosigning=policy.can_manage_cosigning(current_user, position),
        cosign_form=CosignOpenForm(),
        task=services.current_brief(position, signatures),
        can_request_brief=policy.can_request_brief(current_user, position),
        changes_note=services.last_request_for_changes(position)
        if history and position.status == Status.CHANGES_REQUESTED
        else None,
        # What the authors confirmed when the guard asked (kinds only), for those who review it.
        confirmations=guard.confirmations_for(position) if history else [],
    ), status


def load_version(position: Position, number: int):
    require(policy.can_view_history(current_user, position))
    version = services.get_version(position, number)
    require(version is not None)
    return version
