"""Trainings in the header's search (``intranet.search``): the sessions to come of the trainings
the person may see (published ones; every one for the network's team, ``policy.can_see_training``),
soonest first. The room's details and the online link are neither searched nor shown."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..database import utcnow
from ..search import Found, Query, Result, Source, paged, register_source
from ..search.highlight import mark, prefix_matcher, snippet
from ..search.matching import all_words_in
from . import policy
from .models import SessionFormat, Training, TrainingSession


def find(query: Query, user, limit: int) -> Found:
    statement = (
        sa.select(TrainingSession)
        .join(Training, Training.id == TrainingSession.training_id)
        .where(
            sa.true() if policy.can_manage(user) else Training.published.is_(True),
            TrainingSession.cancelled_at.is_(None),
            TrainingSession.ends_at >= utcnow(),
            *all_words_in(
                [Training.title, Training.description, Training.audience, Training.trainer], query.words
            ),
        )
    )
    total, sessions = paged(statement, query, limit, TrainingSession.starts_at, TrainingSession.id)
    matches = prefix_matcher(query.words)
    results = []
    for session in sessions:
        training = session.training
        where = _("En ligne") if session.format == SessionFormat.ONLINE else session.town
        results.append(
            Result(
                mark(training.title, matches),
                url_for("trainings.session", session_id=session.id),
                snippet(training.description, matches),
                " · ".join(m for m in (where, training.trainer) if m),
                session.starts_at,
                "" if training.published else _("Non publiée"),
            )
        )
    return Found(total, results)


def register(app: Flask) -> None:
    register_source(app, Source("trainings", _l("Formations à venir"), 20, find))
