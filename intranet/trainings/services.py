"""The rules of training registration: seats, the waiting list, deadlines, emails.

Every change to a session's seats starts by locking the session's row, in the database, so that
several web processes (gunicorn workers) never hand out the same seat twice: on PostgreSQL with
``SELECT ... FOR UPDATE``; on SQLite with ``BEGIN IMMEDIATE`` (``write_intent()``), the
database's write lock. A duplicate registration is also refused by a unique constraint.

Functions take the acting user, add and flush, never commit; emails and notifications are
written in the same transaction and leave only after the commit.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from .. import events
from .. import ics as calendars
from ..accounts.models import Sector, User
from ..database import is_sqlite, read_intent, utcnow, write_intent
from ..extensions import db
from ..mail import privacy
from ..mail.services import queue_email
from ..themes import services as theme_services
from ..themes.models import Theme
from ..urls import external_url
from . import ics, policy
from .models import (
    CalendarFeed,
    Evaluation,
    Registration,
    RegistrationStatus,
    SessionFormat,
    Training,
    TrainingSession,
    training_theme_link,
)

log = logging.getLogger(__name__)

#: The database lock on a session's row while its seats change. Tests switch it off to show that
#: the concurrency test does catch a race (the negative control); never switch it off otherwise.
LOCKING = True

#: How long before a session its reminder is sent.
REMINDER_BEFORE = timedelta(days=2)

CONFIRMED = RegistrationStatus.CONFIRMED
WAITING = RegistrationStatus.WAITING
CANCELLED = RegistrationStatus.CANCELLED


class TrainingError(Exception):
    """A refusal whose message (a lazy string) can be shown to the user."""


class AlreadyRegistered(TrainingError):
    pass


# --- time ----------------------------------------------------------------------------------


def network_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["NETWORK_TIMEZONE"])


def local_to_utc(value: datetime) -> datetime:
    """A wall-clock time typed in a form, read in the network's time zone, as aware UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=network_zone())
    return value.astimezone(ZoneInfo("UTC"))


def to_local(value: datetime) -> datetime:
    return value.astimezone(network_zone())


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The first instant of the month and of the next, in the network's zone, as UTC."""
    start = month.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    zone = network_zone()
    return (
        local_to_utc(datetime.combine(start, time(), tzinfo=zone)),
        local_to_utc(datetime.combine(following, time(), tzinfo=zone)),
    )


# --- reading -------------------------------------------------------------------------------


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


# --- booking -------------------------------------------------------------------------------


def begin_booking() -> None:
    """Call before the first query of a transaction that will change seats (jobs, scripts,
    threads: web requests that write already begin so): SQLite then takes its write lock at BEGIN."""
    if LOCKING:
        write_intent()
    else:
        read_intent()


def lock_session(session_id: int) -> TrainingSession | None:
    """Load a session for a change of its seats, holding the database lock until the commit.

    Call at the start of the transaction. SQLite: ``BEGIN IMMEDIATE`` (web requests that write
    already begin so); PostgreSQL: ``FOR UPDATE`` on the session's row, which serializes every
    registration, cancellation and capacity change of this session across processes.
    """
    if LOCKING:
        write_intent()  # effective only if the transaction has not begun yet (see begin_booking)
    query = (
        sa.select(TrainingSession)
        .where(TrainingSession.id == session_id)
        .execution_options(populate_existing=True)
    )
    if LOCKING and not is_sqlite():
        query = query.with_for_update(of=TrainingSession)
    return db.session.scalar(query)


def _confirmed_count(session_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Registration)
        .where(Registration.session_id == session_id, Registration.status == CONFIRMED)
    )


def register(
    actor: User, session: TrainingSession, person: User, *, now: datetime | None = None
) -> Registration:
    """Give ``person`` a seat, or a place at the end of the waiting list when the session is full."""
    now = now or utcnow()
    if not policy.can_act_for(actor, person):
        raise TrainingError(_l("Vous ne pouvez pas inscrire cette personne."))
    session = lock_session(session.id)
    if session is None or not policy.can_see_session(actor, session):
        raise TrainingError(_l("Cette séance n’existe pas."))
    state = registration_state(session, now)
    if not session.training.published:
        raise TrainingError(_l("Cette formation n’est pas encore publiée."))
    if state != "open" and not (state == "closed" and policy.can_manage(actor)):
        raise TrainingError(_REFUSALS[state])
    if not policy.is_eligible(person, session):
        raise TrainingError(_l("Cette séance est réservée à d’autres secteurs ou rôles."))
    existing = registration_of(session.id, person.id)
    if existing is not None and existing.status != CANCELLED:
        raise AlreadyRegistered(
            _l("%(name)s a déjà une inscription à cette séance.", name=person.name)
            if person.id != actor.id
            else _l("Vous avez déjà une inscription à cette séance.")
        )
    # A seat freed but not yet given (never the case while the lock is held) goes first to the line.
    _fill_seats(session, actor, now)
    waiting_exists = db.session.scalar(_waiting_query(session.id).limit(1)) is not None
    seat = _confirmed_count(session.id) < session.capacity and not waiting_exists
    registration = existing or Registration(session_id=session.id, user_id=person.id)
    registration.status = CONFIRMED if seat else WAITING
    registration.queued_at = now
    registration.confirmed_at = now if seat else None
    registration.cancelled_at = None
    registration.attended = None
    registration.reminder_sent_at = None
    registration.registered_by_id = actor.id if actor.id != person.id else None
    if existing is None:
        db.session.add(registration)
    db.session.flush()
    registration.session = session
    registration.user = person
    if seat:
        _email_confirmed(registration, actor)
    else:
        _email_waiting(registration, actor)
    return registration


_REFUSALS = {
    "cancelled": _l("Cette séance a été annulée."),
    "past": _l("Cette séance a déjà eu lieu."),
    "not_open": _l("Les inscriptions ne sont pas encore ouvertes."),
    "closed": _l("La date limite d’inscription est passée."),
}


def cancel_registration(
    actor: User, registration: Registration, *, now: datetime | None = None
) -> list[Registration]:
    """Cancel a seat or a waiting-list place; a freed seat goes at once to the first in line.

    Returns the registrations promoted from the waiting list.
    """
    now = now or utcnow()
    if not policy.can_act_for(actor, registration.user):
        raise TrainingError(_l("Vous ne pouvez pas annuler cette inscription."))
    session = lock_session(registration.session_id)
    db.session.refresh(registration)
    if registration.status == CANCELLED:
        raise TrainingError(_l("Cette inscription est déjà annulée."))
    if session.starts_at <= now:
        raise TrainingError(_l("Cette séance a déjà eu lieu."))
    if now > session.registration_deadline and not policy.can_manage(actor):
        raise TrainingError(_l("La date limite d’annulation est passée : écrivez à l’équipe du réseau."))
    was_confirmed = registration.status == CONFIRMED
    registration.status = CANCELLED
    registration.cancelled_at = now
    registration.confirmed_at = None
    db.session.flush()
    _email_cancelled(registration, actor, was_confirmed=was_confirmed)
    return _fill_seats(session, actor, now) if was_confirmed else []


def _fill_seats(session: TrainingSession, actor: User | None, now: datetime) -> list[Registration]:
    """Give every free seat to the first people in line, in order. The caller holds the lock."""
    if session.is_cancelled or session.starts_at <= now:
        return []
    free = session.capacity - _confirmed_count(session.id)
    if free <= 0:
        return []
    promoted = list(db.session.scalars(_waiting_query(session.id).limit(free)).all())
    for registration in promoted:
        registration.status = CONFIRMED
        registration.confirmed_at = now
    db.session.flush()
    for registration in promoted:
        _email_promoted(registration, actor)
    return promoted


# --- staff: catalogue ----------------------------------------------------------------------


def _require_staff(actor: User) -> None:
    if not policy.can_manage(actor):
        raise TrainingError(_l("Réservé à l’équipe du réseau."))


def catalogue_theme_choices() -> list[tuple[int, str]]:
    """(id, name) of the themes that published trainings carry: the catalogue's theme filter."""
    used = sa.select(training_theme_link.c.theme_id).join(
        Training, Training.id == training_theme_link.c.training_id
    ).where(Training.published.is_(True))
    themes = db.session.scalars(sa.select(Theme).where(Theme.id.in_(used)))
    return [(t.id, t.name) for t in theme_services.sort_by_label(themes)]


def theme_usage() -> dict[int, int]:
    """How many trainings carry each theme (the themes page shows it)."""
    rows = db.session.execute(
        sa.select(training_theme_link.c.theme_id, sa.func.count()).group_by(training_theme_link.c.theme_id)
    )
    return {theme_id: count for theme_id, count in rows}


def save_training(
    actor: User,
    training: Training | None,
    *,
    title: str,
    description: str,
    audience: str,
    trainer: str,
    language: str,
    theme_ids: list[int],
    published: bool,
) -> Training:
    _require_staff(actor)
    if training is None:
        training = Training(created_by_id=actor.id)
        db.session.add(training)
    training.title = title.strip()
    training.description = description or ""
    training.audience = (audience or "").strip()
    training.trainer = (trainer or "").strip()
    training.language = language
    if bool(training.published) != bool(published) and (published or training.id is not None):
        audit_action = "training.published" if published else "training.unpublished"
    else:
        audit_action = None
    training.published = published
    training.themes = theme_services.by_ids(theme_ids)
    db.session.flush()
    if audit_action:  # publication and unpublication go to the audit log
        events.audit.send(
            None, action=audit_action, actor_id=actor.id, organization_id=None,
            target_type="training", target_id=training.id, details={},
        )
    return training


@dataclass
class SessionData:
    starts_at: datetime
    ends_at: datetime
    format: SessionFormat
    region_id: int | None
    town: str
    room_details: str
    online_url: str
    capacity: int
    registration_opens_at: datetime | None
    registration_deadline: datetime | None
    allowed_sectors: list[str]
    allowed_roles: list[str]


def _validate(data: SessionData) -> None:
    if data.ends_at <= data.starts_at:
        raise TrainingError(_l("La fin doit suivre le début."))
    if data.capacity < 1:
        raise TrainingError(_l("Il faut au moins une place."))
    deadline = data.registration_deadline or data.starts_at
    if deadline > data.starts_at:
        raise TrainingError(_l("La date limite d’inscription doit précéder le début de la séance."))
    if data.registration_opens_at and data.registration_opens_at >= deadline:
        raise TrainingError(_l("L’ouverture des inscriptions doit précéder la date limite."))
    if data.format == SessionFormat.IN_PERSON and (not data.town.strip() or not data.region_id):
        raise TrainingError(_l("Une séance en présence a une ville et une région."))


def create_session(actor: User, training: Training, data: SessionData) -> TrainingSession:
    _require_staff(actor)
    _validate(data)
    session = TrainingSession(training=training, capacity=data.capacity)
    _apply(session, data)
    db.session.add(session)
    db.session.flush()
    return session


def _apply(session: TrainingSession, data: SessionData) -> None:
    session.starts_at = data.starts_at
    session.ends_at = data.ends_at
    session.format = data.format
    session.region_id = data.region_id if data.format == SessionFormat.IN_PERSON else data.region_id
    session.town = data.town.strip() if data.format == SessionFormat.IN_PERSON else ""
    session.room_details = data.room_details.strip() if data.format == SessionFormat.IN_PERSON else ""
    session.online_url = data.online_url.strip() if data.format == SessionFormat.ONLINE else ""
    session.capacity = data.capacity
    session.registration_opens_at = data.registration_opens_at
    session.registration_deadline = data.registration_deadline or data.starts_at
    session.allowed_sectors = sorted(set(data.allowed_sectors))
    session.allowed_roles = sorted(set(data.allowed_roles))


def update_session(
    actor: User, session: TrainingSession, data: SessionData, *, now: datetime | None = None
) -> list[Registration]:
    """Change a session; raising the capacity promotes from the waiting list at once, and people
    registered are told when the time or the place changes. Returns the promoted registrations."""
    _require_staff(actor)
    now = now or utcnow()
    _validate(data)
    session = lock_session(session.id)
    if session.is_cancelled:
        raise TrainingError(_l("Cette séance a été annulée."))
    confirmed = _confirmed_count(session.id)
    if data.capacity < confirmed:
        raise TrainingError(
            _l(
                "%(n)s personnes ont déjà une place : la capacité ne peut pas descendre sous ce nombre.",
                n=confirmed,
            )
        )
    before = (
        session.starts_at,
        session.ends_at,
        session.format,
        session.town,
        session.room_details,
        session.online_url,
        session.region_id,
    )
    _apply(session, data)
    after = (
        session.starts_at,
        session.ends_at,
        session.format,
        session.town,
        session.room_details,
        session.online_url,
        session.region_id,
    )
    changed = before != after
    if changed:
        session.sequence += 1
    db.session.flush()
    if changed:
        for registration in participants(session.id):
            _email_changed(registration)
    return _fill_seats(session, actor, now)


def set_capacity(actor: User, session: TrainingSession, capacity: int, *, now: datetime | None = None):
    """Only the capacity (the stateful test drives this); see ``update_session``."""
    _require_staff(actor)
    now = now or utcnow()
    session = lock_session(session.id)
    confirmed = _confirmed_count(session.id)
    if capacity < max(confirmed, 1):
        raise TrainingError(
            _l(
                "%(n)s personnes ont déjà une place : la capacité ne peut pas descendre sous ce nombre.",
                n=confirmed,
            )
        )
    session.capacity = capacity
    db.session.flush()
    return _fill_seats(session, actor, now)


def cancel_session(actor: User, session: TrainingSession, reason: str, *, now: datetime | None = None) -> int:
    """Cancel a session; everyone registered or waiting is emailed and notified. Returns how many."""
    _require_staff(actor)
    now = now or utcnow()
    session = lock_session(session.id)
    if session.is_cancelled:
        raise TrainingError(_l("Cette séance est déjà annulée."))
    if session.starts_at <= now:
        raise TrainingError(_l("Cette séance a déjà eu lieu."))
    session.cancelled_at = now
    session.cancel_reason = (reason or "").strip()[:500]
    session.sequence += 1
    db.session.flush()
    people = list(
        db.session.scalars(
            sa.select(Registration).where(
                Registration.session_id == session.id, Registration.status.in_([CONFIRMED, WAITING])
            )
        ).all()
    )
    for registration in people:
        _email_session_cancelled(registration)
    if people:
        events.notify.send(
            None,
            user_ids=[r.user_id for r in people],
            kind="training_cancelled",
            title=session.training.title,
            endpoint="trainings.session",
            values={"session_id": session.id},
            actor_id=actor.id,
            organization_id=None,
        )
    return len(people)


def mark_attendance(actor: User, session: TrainingSession, present_ids: set[int], *, now=None) -> int:
    """Record who came (among confirmed participants); returns how many were present."""
    _require_staff(actor)
    now = now or utcnow()
    if session.starts_at > now:
        raise TrainingError(_l("La présence se note une fois la séance commencée."))
    count = 0
    for registration in participants(session.id):
        registration.attended = registration.id in present_ids
        count += registration.attended
    db.session.flush()
    return count


# --- evaluations ---------------------------------------------------------------------------


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


# --- my trainings, calendar feed -----------------------------------------------------------


def my_registrations(user: User) -> list[Registration]:
    return list(
        db.session.scalars(
            sa.select(Registration)
            .join(TrainingSession, TrainingSession.id == Registration.session_id)
            .where(Registration.user_id == user.id, Registration.status != CANCELLED)
            .order_by(TrainingSession.starts_at.desc())
        ).all()
    )


def feed_for(user: User, *, create: bool = True) -> CalendarFeed | None:
    """The member's calendar feed, made on first use (or None with ``create=False``)."""
    feed = db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if feed is None and create:
        feed = CalendarFeed(user_id=user.id)
        db.session.add(feed)
        db.session.flush()
    return feed


def rotate_feed(user: User) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    feed = feed_for(user)
    import secrets

    feed.token = secrets.token_urlsafe(32)
    db.session.flush()
    return feed


def feed_user(token: str) -> User | None:
    if not token or len(token) > 64:
        return None
    feed = db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.token == token))
    if feed is None:
        return None
    user = db.session.get(User, feed.user_id)
    return user if user is not None and user.active else None


def feed_ics(user: User, *, now: datetime | None = None) -> bytes:
    """The member's personal feed (``/formations/agenda/<token>.ics``): every calendar source's
    events (this package's sessions, a space's meetings...), at the member's level."""
    return calendars.personal_feed(user, now=now)


# --- digest and home -----------------------------------------------------------------------

DIGEST_SESSIONS = 6  # sessions with seats in a digest
DIGEST_SOON = timedelta(days=14)  # sessions starting this soon are in every digest


def _open_sessions_query(now: datetime):
    """Upcoming sessions of published trainings that still take registrations and have seats."""
    seats = (
        sa.select(sa.func.count())
        .select_from(Registration)
        .where(Registration.session_id == TrainingSession.id, Registration.status == CONFIRMED)
        .scalar_subquery()
    )
    return (
        sa.select(TrainingSession)
        .join(Training, Training.id == TrainingSession.training_id)
        .where(
            Training.published.is_(True),
            TrainingSession.cancelled_at.is_(None),
            TrainingSession.starts_at > now,
            TrainingSession.registration_deadline >= now,
            sa.or_(
                TrainingSession.registration_opens_at.is_(None), TrainingSession.registration_opens_at <= now
            ),
            seats < TrainingSession.capacity,
        )
    )


def _recent_or_soon(since: datetime, now: datetime):
    """In a digest: sessions announced since the last one, and those starting within two weeks."""
    return sa.or_(TrainingSession.created_at >= since, TrainingSession.starts_at <= now + DIGEST_SOON)


def open_sessions_for(
    user: User, *, limit: int, since: datetime | None = None, now=None
) -> list[TrainingSession]:
    """Upcoming sessions with seats left that this person may book, their own region first."""
    now = now or utcnow()
    taken = sa.select(Registration.session_id).where(
        Registration.user_id == user.id, Registration.status != CANCELLED
    )
    query = _open_sessions_query(now).where(TrainingSession.id.not_in(taken))
    if since is not None:
        query = query.where(_recent_or_soon(since, now))
    region_id = user.organization.region_id
    own_region = sa.case((TrainingSession.region_id == region_id, 0), else_=1)
    query = query.order_by(own_region, TrainingSession.starts_at, TrainingSession.id).limit(limit * 3)
    sessions = [s for s in db.session.scalars(query).all() if policy.is_eligible(user, s)]
    return sessions[:limit]


def open_sessions_many(requests, *, limit: int, now=None) -> dict[int, list[TrainingSession]]:
    """``open_sessions_for(user, limit=limit, since=since)`` for each ``(user, since)`` of a chunk.

    The open sessions are the same for everybody: they are read once (since the chunk's oldest
    ``since``), with the chunk's registrations; then, for each member as ``open_sessions_for``
    does in SQL: leave out the sessions they are registered to and those neither announced since
    their ``since`` nor starting soon, put their region's first (stable: by start), keep
    ``limit * 3``, then those they are eligible for (``policy.is_eligible``), ``limit`` of them.
    """
    requests = list(requests)
    if not requests:
        return {}
    now = now or utcnow()
    oldest = min(since for _user, since in requests)
    sessions = list(
        db.session.scalars(
            _open_sessions_query(now)
            .where(_recent_or_soon(oldest, now))
            .order_by(TrainingSession.starts_at, TrainingSession.id)
        ).unique()
    )
    taken: dict[int, set[int]] = {user.id: set() for user, _since in requests}
    if sessions:
        for user_id, session_id in db.session.execute(
            sa.select(Registration.user_id, Registration.session_id).where(
                Registration.user_id.in_(list(taken)),
                Registration.session_id.in_([s.id for s in sessions]),
                Registration.status != CANCELLED,
            )
        ):
            taken[user_id].add(session_id)
    soon = now + DIGEST_SOON
    found = {}
    for user, since in requests:
        region_id = user.organization.region_id
        mine = [
            s
            for s in sessions
            if s.id not in taken[user.id] and (s.created_at >= since or s.starts_at <= soon)
        ]
        # Stable: SQL's "ORDER BY region_id = :region (IS NULL when None), starts_at, id".
        mine.sort(key=lambda s: 0 if s.region_id == region_id else 1)
        found[user.id] = [s for s in mine[: limit * 3] if policy.is_eligible(user, s)][:limit]
    return found


def _digest_item(s: TrainingSession) -> events.DigestItem:
    return events.DigestItem(
        kind="session",
        title=s.training.title,
        endpoint="trainings.session",
        values={"session_id": s.id},
        summary=", ".join(p for p in (s.town, s.region.name if s.region else "") if p) or str(_l("En ligne")),
        when=s.starts_at,
        region_id=s.region_id,
        theme_ids=tuple(t.id for t in s.training.themes),
    )


def digest_items(user: User, since: datetime) -> list[events.DigestItem]:
    return [_digest_item(s) for s in open_sessions_for(user, limit=DIGEST_SESSIONS, since=since)]


def digest_items_many(requests) -> dict[int, list[events.DigestItem]]:
    """``digest_items`` for each ``(user, since)`` of a chunk (see ``open_sessions_many``)."""
    shared: dict[int, events.DigestItem] = {}  # one item per session, whoever gets it
    found = {}
    for user_id, sessions in open_sessions_many(requests, limit=DIGEST_SESSIONS).items():
        for s in sessions:
            if s.id not in shared:
                shared[s.id] = _digest_item(s)
        found[user_id] = [shared[s.id] for s in sessions]
    return found


def upcoming_for(user: User, *, now=None) -> list[Registration]:
    now = now or utcnow()
    return list(
        db.session.scalars(
            sa.select(Registration)
            .join(TrainingSession, TrainingSession.id == Registration.session_id)
            .where(
                Registration.user_id == user.id,
                Registration.status.in_([CONFIRMED, WAITING]),
                TrainingSession.ends_at >= now,
            )
            .order_by(TrainingSession.starts_at)
            .limit(5)
        ).all()
    )


# --- reminders -----------------------------------------------------------------------------


def send_due_reminders(*, now: datetime | None = None, limit: int = 2000) -> int:
    """Email confirmed participants whose session starts within two days, exactly once each.

    The rows are claimed (``reminder_sent_at``) in the same transaction that writes the emails
    to the outbox, under the write lock (SQLite) or row locks skipping rows another scheduler
    run holds (PostgreSQL). People who got their seat within the two days are not reminded: their
    confirmation came moments ago.
    """
    now = now or utcnow()
    write_intent()
    query = (
        sa.select(Registration)
        .join(TrainingSession, TrainingSession.id == Registration.session_id)
        .where(
            Registration.status == CONFIRMED,
            Registration.reminder_sent_at.is_(None),
            TrainingSession.cancelled_at.is_(None),
            TrainingSession.starts_at > now,
            TrainingSession.starts_at <= now + REMINDER_BEFORE,
        )
        .order_by(Registration.id)
        .limit(limit)
    )
    if not is_sqlite():
        query = query.with_for_update(of=Registration, skip_locked=True)
    # Portable date arithmetic: the "booked before the window" test is done here, not in SQL.
    due = [
        r
        for r in db.session.scalars(query).all()
        if r.confirmed_at is not None and r.confirmed_at <= r.session.starts_at - REMINDER_BEFORE
    ]
    for registration in due:
        registration.reminder_sent_at = now
        _email(
            registration,
            kind="training_reminder",
            template="trainings_reminder",
            with_ics=True,
        )
    db.session.flush()
    return len(due)


# --- emails and notifications --------------------------------------------------------------




def _email(
    registration: Registration,
    *,
    kind: str,
    template: str,
    with_ics: bool = False,
    cancel_ics: bool = False,
    **context,
) -> None:
    person = registration.user
    session = registration.session
    page_url = external_url("trainings.session", session_id=session.id)
    # The calendar invitation says no more than the email (issue 9): at "discreet" its title is
    # neutral and it has no location.
    pref = privacy.preference_of(person.id)
    level = privacy.level_for(pref, "training")
    locale = privacy.recipient_locale(pref, person.locale)
    attachments = []
    if with_ics or cancel_ics:
        attachments.append(
            (
                "seance.ics",
                "text/calendar",
                ics.invitation(session, page_url=page_url, cancel=cancel_ics, level=level, locale=locale),
            )
        )
    queue_email(
        to=person.email,
        kind=kind,
        template=template,
        level=level,
        locale=locale,
        user_id=person.id,
        attachments=attachments,
        user_name=person.name,
        training_title=session.training.title,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        is_online=session.is_online,
        place=", ".join(p for p in (session.town, session.region.name if session.region else "") if p),
        room_details=session.room_details if with_ics else "",
        online_url=session.online_url if with_ics else "",
        page_url=page_url,
        my_url=external_url("trainings.mine"),
        **context,
    )


def _email_confirmed(registration: Registration, actor: User) -> None:
    by = actor.name if actor.id != registration.user_id else None
    _email(
        registration,
        kind="training_confirmed",
        template="trainings_confirmed",
        with_ics=True,
        registered_by=by,
    )


def _email_waiting(registration: Registration, actor: User) -> None:
    by = actor.name if actor.id != registration.user_id else None
    _email(
        registration,
        kind="training_waiting",
        template="trainings_waiting",
        position=position(registration),
        registered_by=by,
    )


def _email_promoted(registration: Registration, actor: User | None) -> None:
    _email(
        registration,
        kind="training_promoted",
        template="trainings_promoted",
        with_ics=True,
    )
    events.notify.send(
        None,
        user_ids=[registration.user_id],
        kind="waitlist_promoted",
        title=registration.session.training.title,
        endpoint="trainings.session",
        values={"session_id": registration.session_id},
        actor_id=actor.id if actor else None,
        organization_id=None,
    )


def _email_cancelled(registration: Registration, actor: User, *, was_confirmed: bool) -> None:
    by = actor.name if actor.id != registration.user_id else None
    _email(
        registration,
        kind="training_registration_cancelled",
        template="trainings_registration_cancelled",
        cancel_ics=was_confirmed,
        cancelled_by=by,
    )


def _email_session_cancelled(registration: Registration) -> None:
    _email(
        registration,
        kind="training_session_cancelled",
        template="trainings_session_cancelled",
        cancel_ics=registration.status == CONFIRMED,
        reason=registration.session.cancel_reason,
    )


def _email_changed(registration: Registration) -> None:
    _email(
        registration,
        kind="training_changed",
        template="trainings_changed",
        with_ics=True,
    )


# --- demo-friendly helpers -----------------------------------------------------------------


def sector_names() -> dict[str, object]:
    return {
        Sector.SHELTER.value: _l("Maisons d’hébergement"),
        Sector.VIOLENCE.value: _l("Secteur violence"),
        Sector.IMMIGRATION.value: _l("Secteur immigration"),
        Sector.OTHER.value: _l("Autres organismes"),
    }


def role_names() -> dict[str, object]:
    return {
        "member": _l("Intervenantes et intervenants"),
        "coordinator": _l("Coordinations"),
        "staff": _l("Équipe du réseau"),
        "admin": _l("Administration"),
    }


def upcoming_in_region(region_id: int | None, limit: int = 5, *, now: datetime | None = None) -> list[TrainingSession]:
    """Upcoming sessions of published trainings held in a region (a directory profile shows them)."""
    if region_id is None:
        return []
    now = now or utcnow()
    return list(
        db.session.scalars(
            sa.select(TrainingSession)
            .join(Training, Training.id == TrainingSession.training_id)
            .where(
                Training.published.is_(True),
                TrainingSession.cancelled_at.is_(None),
                TrainingSession.starts_at > now,
                TrainingSession.region_id == region_id,
            )
            .order_by(TrainingSession.starts_at)
            .limit(limit)
        ).unique()
    )
