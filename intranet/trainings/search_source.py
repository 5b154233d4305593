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
from ..search import Found, Query, Result, Source, register_source
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
            sa.func.count().label("sessions"),
        )
        .where(to_come)
        .group_by(TrainingSession.training_id)
        .subquery()
    )
    statement = (
        sa.select(Training.id, upcoming.c.next_at, upcoming.c.sessions)
        .join(upcoming, upcoming.c.training_id == Training.id)
        .where(
            sa.true() if policy.can_manage(user) else Training.published.is_(True),
            *all_words_in(
                [Training.title, Training.description, Training.audience, Training.trainer], query.words
            ),
        )
    )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(statement.subquery())) or 0
    rows = db.session.execute(
        statement.order_by(upcoming.c.next_at, Training.id).limit(limit).offset((query.page - 1) * limit)
    ).all()
    trainings = {
        t.id: t for t in db.session.scalars(sa.select(Training).where(Training.id.in_([r.id for r in rows])))
    }
    # The next session of each (its page is the training's page).
    nexts = {
        s.training_id: s
        for s in db.session.scalars(
            sa.select(TrainingSession)
            .where(TrainingSession.training_id.in_(list(trainings)), to_come)
            .order_by(TrainingSession.starts_at.desc(), TrainingSession.id.desc())
        )
    }
    matches = prefix_matcher(query.words)
    results = []
    for row in rows:
        training, session = trainings[row.id], nexts[row.id]
        where = _("En ligne") if session.format == SessionFormat.ONLINE else session.town
        count = ngettext("%(num)s séance", "%(num)s séances", row.sessions) if row.sessions > 1 else ""
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
