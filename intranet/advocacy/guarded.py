"""Advocacy's objects in the guard's moderators' queue and the audit log: a label, a link and a
title for each; the words the audit log and the jobs page use for advocacy's codes."""

from __future__ import annotations

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..guard import register_object
from ..objects import column_titles
from ..vocabulary import register_words
from . import policy
from .models import Attachment, Comment, Position, Transition
from .services import ACTION_LABELS, BRIEF_TASK_KIND


def _position(position_id: int, user, anchor: str | None = None) -> str | None:
    position = db.session.get(Position, position_id)
    if position is None or not policy.can_view(user, position):
        return None
    return url_for("advocacy.show", position_id=position.id, _anchor=anchor)


def _comment(comment_id: int, user) -> str | None:
    comment = db.session.get(Comment, comment_id)
    if comment is None or not policy.can_view_history(user, comment.version.position):
        return None
    version = comment.version
    return url_for(
        "advocacy.version", position_id=version.position_id, number=version.number, _anchor="commentaires"
    )


def _transition(transition_id: int, user) -> str | None:
    step = db.session.get(Transition, transition_id)
    position = db.session.get(Position, step.position_id) if step else None
    if position is None or not policy.can_view_history(user, position):
        return None
    return url_for("advocacy.show", position_id=position.id, _anchor="historique")


def _attachment(attachment_id: int, user) -> str | None:
    attachment = db.session.get(Attachment, attachment_id)
    return _position(attachment.position_id, user, "pieces-jointes") if attachment else None


def init_app(app: Flask) -> None:
    register_object(
        app, "advocacy_position", _l("Texte de plaidoyer"), _position, column_titles(Position.title)
    )
    register_words(app, "audit.value.step", ACTION_LABELS)
    register_words(app, "task.kind", {BRIEF_TASK_KIND: _l("Note de synthèse en PDF")})
    register_object(app, "advocacy_comment", _l("Commentaire de révision"), _comment)
    register_object(app, "advocacy_transition", _l("Note de révision"), _transition)
    register_object(app, "advocacy_attachment", _l("Pièce jointe d’un texte de plaidoyer"), _attachment)
