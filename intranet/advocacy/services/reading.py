"""Reading: who sees what, the lists (the organization's, the review queue, co-signing, the
library), signatories, the history, attachments and versions."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ...accounts.models import User
from ...database import is_sqlite, utcnow
from ...extensions import db
from ..models import (
    Attachment,
    Comment,
    Cosignature,
    Kind,
    Position,
    Status,
    Transition,
    Version,
    position_theme,
)


def get_for_update(position_id: int) -> Position | None:
    """Load a position holding its row lock (PostgreSQL) for a read-check-write."""
    query = sa.select(Position).where(Position.id == position_id)
    if not is_sqlite():
        query = query.with_for_update(of=Position)
    return db.session.scalars(query).unique().one_or_none()


def visible_filter(user: User):
    """SQL condition matching :func:`policy.can_view`, for lists (never show what cannot be opened)."""
    conditions = [
        Position.status.in_([Status.PUBLISHED, Status.ARCHIVED]),
        Position.organization_id == user.organization_id,
        sa.and_(Position.status == Status.APPROVED, Position.cosign_open.is_(True)),
    ]
    if user.is_staff:
        conditions.append(Position.submitted_at.is_not(None))
    return sa.or_(*conditions)


def organization_positions(user: User) -> list[Position]:
    return list(
        db.session.scalars(
            sa.select(Position)
            .where(Position.organization_id == user.organization_id, Position.status != Status.ARCHIVED)
            .order_by(Position.updated_at.desc())
            .limit(100)
        )
    )


def review_queue(user: User) -> list[Position]:
    if not user.is_staff:
        return []
    return list(
        db.session.scalars(
            sa.select(Position)
            .where(
                Position.status.in_([Status.SUBMITTED, Status.RESUBMITTED, Status.IN_REVIEW, Status.APPROVED])
            )
            .order_by(Position.updated_at)
            .limit(100)
        )
    )


AWAITING_REVIEW = (Status.SUBMITTED, Status.RESUBMITTED, Status.IN_REVIEW)


def awaiting_review(limit: int = 5) -> tuple[int, list[Position]]:
    """Texts submitted to the network and not yet decided (the staff desk): how many, the oldest first."""
    where = Position.status.in_(AWAITING_REVIEW)
    count = db.session.scalar(sa.select(sa.func.count(Position.id)).where(where)) or 0
    oldest = list(
        db.session.scalars(sa.select(Position).where(where).order_by(Position.updated_at).limit(limit))
    )
    return count, oldest


def open_for_cosigning(user: User, today: date) -> list[Position]:
    query = (
        sa.select(Position)
        .where(
            Position.cosign_open.is_(True),
            Position.status.in_([Status.APPROVED, Status.PUBLISHED]),
            sa.or_(Position.cosign_closes_on.is_(None), Position.cosign_closes_on >= today),
            visible_filter(user),
        )
        .order_by(Position.cosign_closes_on)
        .limit(50)
    )
    return list(db.session.scalars(query))


def theme_usage() -> dict[int, int]:
    """How many texts carry each theme (the themes page shows it)."""
    rows = db.session.execute(
        sa.select(position_theme.c.theme_id, sa.func.count()).group_by(position_theme.c.theme_id)
    )
    return {theme_id: count for theme_id, count in rows}


def library(*, kind: str | None = None, year: int | None = None, theme: int | None = None) -> list[Position]:
    """Published texts, newest first; everyone signed in may read them."""
    query = sa.select(Position).where(Position.status == Status.PUBLISHED)
    if kind:
        query = query.where(Position.kind == Kind(kind))
    if year:
        start = datetime(year, 1, 1, tzinfo=utcnow().tzinfo)
        end = datetime(year + 1, 1, 1, tzinfo=utcnow().tzinfo)
        query = query.where(Position.published_at >= start, Position.published_at < end)
    if theme:
        query = query.where(
            Position.id.in_(sa.select(position_theme.c.position_id).where(position_theme.c.theme_id == theme))
        )
    return list(db.session.scalars(query.order_by(Position.published_at.desc()).limit(200)))


def library_years() -> list[int]:
    dates = db.session.scalars(
        sa.select(Position.published_at).where(Position.status == Status.PUBLISHED)
    ).all()
    return sorted({d.year for d in dates if d}, reverse=True)


def signatories(position: Position) -> list[Cosignature]:
    return list(
        db.session.scalars(
            sa.select(Cosignature)
            .where(Cosignature.position_id == position.id, Cosignature.withdrawn_at.is_(None))
            .order_by(Cosignature.signed_at, Cosignature.id)
        )
    )


def signature_of(position: Position, organization_id: int) -> Cosignature | None:
    return db.session.scalar(
        sa.select(Cosignature).where(
            Cosignature.position_id == position.id, Cosignature.organization_id == organization_id
        )
    )


def last_request_for_changes(position: Position) -> Transition | None:
    return db.session.scalar(
        sa.select(Transition)
        .where(Transition.position_id == position.id, Transition.action == "request_changes")
        .order_by(Transition.id.desc())
        .limit(1)
    )


def transitions(position: Position) -> list[Transition]:
    """Its steps, with who took each (one statement for all the people, not one per step)."""
    return list(
        db.session.scalars(
            sa.select(Transition)
            .where(Transition.position_id == position.id)
            .order_by(Transition.id)
            .options(selectinload(Transition.actor))
        )
    )


def comment_counts(position: Position) -> dict[int, int]:
    """How many comments each of its versions has, by version id, in one statement."""
    return {
        version_id: count
        for version_id, count in db.session.execute(
            sa.select(Comment.version_id, sa.func.count(Comment.id))
            .join(Version, Version.id == Comment.version_id)
            .where(Version.position_id == position.id)
            .group_by(Comment.version_id)
        )
    }


def attachments(position: Position) -> list[Attachment]:
    return list(
        db.session.scalars(
            sa.select(Attachment).where(Attachment.position_id == position.id).order_by(Attachment.id)
        )
    )


def get_version(position: Position, number: int) -> Version | None:
    return db.session.scalar(
        sa.select(Version).where(Version.position_id == position.id, Version.number == number)
    )
