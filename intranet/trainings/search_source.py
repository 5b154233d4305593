"""Trainings in the header's search (``intranet.search``): the trainings the person may see
(published ones; every one for the network's team, ``policy.can_see_training``) that have a
session to come, the soonest first, each once with its next session. The room's details and the
online link are neither searched nor shown."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ..database import utcnow
from ..extensions import db
from ..search import Found, Query, Result, Source, paged, register_source
from ..search.highlight import mark, prefix_matcher, snippet
from ..search.matching import all_words_in
from . import policy
from .models import SessionFormat, Training, TrainingSession


def find(query: Query, user, limit: int) -> Found:
    to_come = sa.and_(TrainingSession.cancelled_at.is_(None), TrainingSession.ends_at >= utcnow())
    upcoming = (
        sa.select(
            TrainingSession.training_id,
            sa.func.min(TrainingSession.starts_at).label("next_at"),
        )
        .where(to_come)
        .group_by(TrainingSession.training_id)
        .subquery()
    )
    statement = (
        sa.select(Training.id)
        .join(upcoming, upcoming.c.training_id == Training.id)
        .where(
            sa.true() if policy.can_manage(user) else Training.published.is_(True),
            *all_words_in(
                [Training.title, Training.description, Training.audience, Training.trainer], query.words
            ),
        )
    )
    total, rows = paged(statement, query, limit, upcoming.c.next_at, Training.id)
    trainings = {t.id: t for t in db.session.scalars(sa.select(Training).where(Training.id.in_(rows)))}
    # The sessions to come of each, the next one first (its page is the training's page).
    to_come_of: dict[int, list[TrainingSession]] = {}
    for session in db.session.scalars(
        sa.select(TrainingSession)
        .where(TrainingSession.training_id.in_(list(trainings)), to_come)
        .order_by(TrainingSession.starts_at, TrainingSession.id)
    ):
        to_come_of.setdefault(session.training_id, []).append(session)
    matches = prefix_matcher(query.words)
    results = []
    for training_id in rows:
        training, sessions = trainings[training_id], to_come_of[training_id]
        session = sessions[0]
        where = _("En ligne") if session.format == SessionFormat.ONLINE else session.town
        count = ngettext("%(num)s séance", "%(num)s séances", len(sessions)) if len(sessions) > 1 else ""
        results.append(
            Result(
                mark(training.title, matches),
                url_for("trainings.session", session_id=session.id),
                snippet(training.description, matches),
                " · ".join(m for m in (where, training.trainer, count) if m),
                session.starts_at,
                "" if training.published else _("Non publiée"),
            )
        )
    return Found(total, results)


def register(app: Flask) -> None:
    register_source(app, Source("trainings", _l("Formations à venir"), 20, find))
