"""Reading the catalogue: sessions, seats, registrations, the waiting list and its positions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from ...accounts.models import Region, Role, User
from ...database import utcnow
from ...extensions import db
from ...themes import services as theme_services
from ...themes.models import Theme
from .. import policy
from ..models import (
    Registration,
    RegistrationStatus,
    SessionFormat,
    Training,
    TrainingSession,
    training_theme_link,
)
from .common import CANCELLED, CONFIRMED, WAITING, month_bounds


@dataclass
class CatalogueFilter:
    region_id: int | None = None
    theme_id: int | None = None
    format: str | None = None
    month: date | None = None


def _catalogue_query(f: CatalogueFilter, now: datetime):
    query = (
        sa.select(TrainingSession)
        .join(Training, Training.id == TrainingSession.training_id)
        .where(Training.published.is_(True), TrainingSession.cancelled_at.is_(None))
        .where(TrainingSession.ends_at >= now)
    )
    if f.region_id:
        query = query.where(TrainingSession.region_id == f.region_id)
    if f.theme_id:
        query = query.where(Training.themes.any(Theme.id == f.theme_id))
    if f.format in (SessionFormat.IN_PERSON.value, SessionFormat.ONLINE.value):
        query = query.where(TrainingSession.format == SessionFormat(f.format))
    if f.month:
        start, end = month_bounds(f.month)
        query = query.where(TrainingSession.starts_at >= start, TrainingSession.starts_at < end)
    return query


def catalogue(
    f: CatalogueFilter, *, page: int = 1, per_page: int = 20, now: datetime | None = None
) -> tuple[list[TrainingSession], int]:
    """Upcoming published sessions matching the filter, soonest first, a page at a time."""
    now = now or utcnow()
    query = _catalogue_query(f, now)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    sessions = db.session.scalars(
        query.order_by(TrainingSession.starts_at, TrainingSession.id)
        .limit(per_page)
        .offset((max(page, 1) - 1) * per_page)
    ).all()
    return list(sessions), total or 0


def month_sessions(f: CatalogueFilter, month: date, now: datetime | None = None) -> list[TrainingSession]:
    now = now or utcnow()
    f = CatalogueFilter(region_id=f.region_id, theme_id=f.theme_id, format=f.format, month=month)
    return list(db.session.scalars(_catalogue_query(f, now).order_by(TrainingSession.starts_at)).all())


def confirmed_counts(session_ids: list[int]) -> dict[int, int]:
    if not session_ids:
        return {}
    rows = db.session.execute(
        sa.select(Registration.session_id, sa.func.count())
        .where(Registration.session_id.in_(session_ids), Registration.status == CONFIRMED)
        .group_by(Registration.session_id)
    ).all()
    return dict(rows)


def seats_left(sessions: list[TrainingSession]) -> dict[int, int]:
    counts = confirmed_counts([s.id for s in sessions])
    return {s.id: max(s.capacity - counts.get(s.id, 0), 0) for s in sessions}


def counts(session_id: int) -> dict[str, int]:
    rows = db.session.execute(
        sa.select(Registration.status, sa.func.count())
        .where(Registration.session_id == session_id)
        .group_by(Registration.status)
    ).all()
    found = {status.value: n for status, n in rows}
    return {s.value: found.get(s.value, 0) for s in RegistrationStatus}


SOON_FULL_SEATS = 2  # a session with this many seats left or fewer (or 80 % taken) is soon full


@dataclass(frozen=True)
class SessionAttention:
    session: TrainingSession
    seats_left: int
    waiting: int


def sessions_needing_attention(
    now: datetime | None = None, *, limit: int = 5
) -> tuple[int, list[SessionAttention]]:
    """Sessions to come that are soon full or have a waiting list (the staff desk): how many, the
    soonest first."""
    now = now or utcnow()
    tally = (
        sa.select(
            Registration.session_id.label("session_id"),
            sa.func.sum(sa.case((Registration.status == CONFIRMED, 1), else_=0)).label("confirmed"),
            sa.func.sum(sa.case((Registration.status == WAITING, 1), else_=0)).label("waiting"),
        )
        .group_by(Registration.session_id)
        .subquery()
    )
    confirmed = sa.func.coalesce(tally.c.confirmed, 0)
    waiting = sa.func.coalesce(tally.c.waiting, 0)
    where = (
        TrainingSession.starts_at >= now,
        TrainingSession.cancelled_at.is_(None),
        sa.or_(
            waiting > 0,
            TrainingSession.capacity - confirmed <= SOON_FULL_SEATS,
            confirmed * 5 >= TrainingSession.capacity * 4,
        ),
    )
    count = db.session.scalar(
        sa.select(sa.func.count(TrainingSession.id))
        .outerjoin(tally, tally.c.session_id == TrainingSession.id)
        .where(*where)
    )
    rows = db.session.execute(
        sa.select(TrainingSession, confirmed, waiting)
        .outerjoin(tally, tally.c.session_id == TrainingSession.id)
        .where(*where)
        .order_by(TrainingSession.starts_at)
        .limit(limit)
    ).all()
    soonest = [SessionAttention(s, max(s.capacity - int(c), 0), int(w)) for s, c, w in rows]
    return count or 0, soonest


def registration_of(session_id: int, user_id: int) -> Registration | None:
    return db.session.scalar(
        sa.select(Registration).where(Registration.session_id == session_id, Registration.user_id == user_id)
    )


def registrations_of(user_id: int, session_ids: list[int]) -> dict[int, Registration]:
    if not session_ids:
        return {}
    rows = db.session.scalars(
        sa.select(Registration).where(
            Registration.user_id == user_id, Registration.session_id.in_(session_ids)
        )
    )
    return {r.session_id: r for r in rows}


def _waiting_query(session_id: int):
    return (
        sa.select(Registration)
        .where(Registration.session_id == session_id, Registration.status == WAITING)
        .order_by(Registration.queued_at, Registration.id)
    )


def waiting_list(session_id: int) -> list[Registration]:
    return list(db.session.scalars(_waiting_query(session_id)).all())


def participants(session_id: int) -> list[Registration]:
    return list(
        db.session.scalars(
            sa.select(Registration)
            .join(User, User.id == Registration.user_id)
            .where(Registration.session_id == session_id, Registration.status == CONFIRMED)
            .order_by(User.name, Registration.id)
        ).all()
    )


def position(registration: Registration) -> int | None:
    """1 for the first in line; None when not waiting."""
    if registration.status != WAITING:
        return None
    ahead = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Registration)
        .where(
            Registration.session_id == registration.session_id,
            Registration.status == WAITING,
            sa.or_(
                Registration.queued_at < registration.queued_at,
                sa.and_(Registration.queued_at == registration.queued_at, Registration.id < registration.id),
            ),
        )
    )
    return (ahead or 0) + 1


def registration_state(session: TrainingSession, now: datetime | None = None) -> str:
    """ "cancelled", "past", "not_open", "closed" (after the deadline) or "open"."""
    now = now or utcnow()
    if session.is_cancelled:
        return "cancelled"
    if session.starts_at <= now:
        return "past"
    if session.registration_opens_at and now < session.registration_opens_at:
        return "not_open"
    if now > session.registration_deadline:
        return "closed"
    return "open"


def colleagues_to_register(actor: User, session: TrainingSession) -> list[User]:
    """The people a coordinator may register: active colleagues, eligible, not already in."""
    if actor.role != "coordinator":
        return []
    taken = sa.select(Registration.user_id).where(
        Registration.session_id == session.id, Registration.status != CANCELLED
    )
    people = db.session.scalars(
        sa.select(User)
        .where(
            User.organization_id == actor.organization_id,
            User.active,
            User.id != actor.id,
            User.id.not_in(taken),
        )
        .order_by(User.name)
    ).all()
    return [p for p in people if policy.is_eligible(p, session)]


def colleague_registrations(actor: User, session: TrainingSession) -> list[Registration]:
    """What a coordinator sees of their own organization's people for this session."""
    if actor.role != Role.COORDINATOR:
        return []
    return list(
        db.session.scalars(
            sa.select(Registration)
            .join(User, User.id == Registration.user_id)
            .where(
                Registration.session_id == session.id,
                Registration.status != RegistrationStatus.CANCELLED,
                User.organization_id == actor.organization_id,
                User.id != actor.id,
            )
            .order_by(User.name)
        ).all()
    )


def catalogue_theme_choices() -> list[tuple[int, str]]:
    """(id, name) of the themes that published trainings carry: the catalogue's theme filter."""
    used = (
        sa.select(training_theme_link.c.theme_id)
        .join(Training, Training.id == training_theme_link.c.training_id)
        .where(Training.published.is_(True))
    )
    themes = db.session.scalars(sa.select(Theme).where(Theme.id.in_(used)))
    return [(t.id, t.name) for t in theme_services.sort_by_label(themes)]


def filter_choices() -> dict:
    """The catalogue's filters: the regions and the themes."""
    return {
        "regions": db.session.execute(sa.select(Region.id, Region.name).order_by(Region.name)).all(),
        "themes": catalogue_theme_choices(),
    }
