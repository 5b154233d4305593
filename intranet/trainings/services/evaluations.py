"""Evaluations: a participant rates a session once; staff see the aggregate, never who wrote what."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...accounts.models import User
from ...database import utcnow
from ...extensions import db
from .. import policy
from ..models import Evaluation, Registration
from .common import TrainingError


def evaluate(user: User, registration: Registration, rating: int, comment: str, *, now=None) -> Evaluation:
    now = now or utcnow()
    if not policy.can_evaluate(user, registration, now):
        raise TrainingError(_l("Vous ne pouvez pas évaluer cette séance."))
    if not 1 <= rating <= 5:
        raise TrainingError(_l("La note va de 1 à 5."))
    exists = db.session.scalar(
        sa.select(Evaluation.id).where(
            Evaluation.session_id == registration.session_id, Evaluation.user_id == user.id
        )
    )
    if exists:
        raise TrainingError(_l("Vous avez déjà évalué cette séance. Merci !"))
    evaluation = Evaluation(
        session_id=registration.session_id,
        user_id=user.id,
        rating=rating,
        comment=(comment or "").strip()[:1000],
    )
    db.session.add(evaluation)
    db.session.flush()
    return evaluation


def has_evaluated(user_id: int, session_id: int) -> bool:
    return (
        db.session.scalar(
            sa.select(Evaluation.id).where(Evaluation.session_id == session_id, Evaluation.user_id == user_id)
        )
        is not None
    )


def evaluated_sessions(user_id: int, session_ids: list[int]) -> set[int]:
    """Which of these sessions the person has evaluated (one query for a whole list)."""
    if not session_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(Evaluation.session_id).where(
                Evaluation.user_id == user_id, Evaluation.session_id.in_(session_ids)
            )
        )
    )


@dataclass
class EvaluationSummary:
    count: int
    average: float | None
    distribution: dict[int, int]
    comments: list[str]


def evaluation_summary(session_id: int) -> EvaluationSummary:
    """What staff see: the aggregate and the comments, never who wrote them."""
    rows = db.session.execute(
        sa.select(Evaluation.rating, Evaluation.comment)
        .where(Evaluation.session_id == session_id)
        .order_by(Evaluation.created_at)
    ).all()
    ratings = Counter(r for r, _c in rows)
    count = len(rows)
    return EvaluationSummary(
        count=count,
        average=round(sum(r for r, _c in rows) / count, 1) if count else None,
        distribution={n: ratings.get(n, 0) for n in range(5, 0, -1)},
        comments=[c for _r, c in rows if c],
    )
