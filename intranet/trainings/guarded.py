"""The trainings' objects in the guard's moderators' queue: a label and a link for each (the
management pages, which only the network's team reaches)."""

from __future__ import annotations

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..guard import register_object
from ..objects import column_titles
from ..vocabulary import register_words
from . import policy
from .models import Evaluation, Training, TrainingSession


def _training(training_id: int, user) -> str | None:
    if not policy.can_manage(user) or db.session.get(Training, training_id) is None:
        return None
    return url_for("trainings.edit_training", training_id=training_id)


def _session(session_id: int, user) -> str | None:
    if not policy.can_manage(user) or db.session.get(TrainingSession, session_id) is None:
        return None
    return url_for("trainings.edit_session", session_id=session_id)


def _evaluation(evaluation_id: int, user) -> str | None:
    evaluation = db.session.get(Evaluation, evaluation_id)
    if evaluation is None or not policy.can_manage(user):
        return None
    return url_for("trainings.participants", session_id=evaluation.session_id)


def init_app(app: Flask) -> None:
    register_object(app, "training", _l("Formation"), _training, column_titles(Training.title))
    register_words(app, "task.kind", {"training_certificates": _l("Attestations de présence")})
    register_object(app, "training_session", _l("Séance de formation"), _session)
    register_object(app, "training_evaluation", _l("Évaluation d’une séance"), _evaluation)
