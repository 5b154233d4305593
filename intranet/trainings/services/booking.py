"""Booking: a seat or a place in line, a cancellation, a freed seat given to the first in line.

Every change to a session's seats starts by locking the session's row, in the database, so that
several web processes (gunicorn workers) never hand out the same seat twice: on PostgreSQL with
``SELECT ... FOR UPDATE``; on SQLite with ``BEGIN IMMEDIATE`` (``write_intent()``), the
database's write lock. A duplicate registration is also refused by a unique constraint.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...accounts.models import User
from ...database import is_sqlite, read_intent, utcnow, write_intent
from ...extensions import db
from .. import policy
from ..models import Registration, TrainingSession
from .catalogue import _waiting_query, registration_of, registration_state
from .common import CANCELLED, CONFIRMED, WAITING, AlreadyRegistered, TrainingError
from .digest import upcoming_for
from .emails import _email_cancelled, _email_confirmed, _email_promoted, _email_waiting

#: The database lock on a session's row while its seats change. Tests switch it off to show that
#: the concurrency test does catch a race (the negative control); never switch it off otherwise.
LOCKING = True


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


def lock_known_session(session_id: int) -> TrainingSession:
    """``lock_session`` for a session the caller has loaded. Sessions are cancelled, never deleted,
    so it is there; were it gone meanwhile, the change is refused as for an unknown session."""
    session = lock_session(session_id)
    if session is None:
        raise TrainingError(_l("Cette séance n’existe pas."))
    return session


def _confirmed_count(session_id: int) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Registration)
            .where(Registration.session_id == session_id, Registration.status == CONFIRMED)
        )
        or 0
    )


def register(
    actor: User, session: TrainingSession, person: User, *, now: datetime | None = None
) -> Registration:
    """Give ``person`` a seat, or a place at the end of the waiting list when the session is full."""
    now = now or utcnow()
    if not policy.can_act_for(actor, person):
        raise TrainingError(_l("Vous ne pouvez pas inscrire cette personne."))
    locked = lock_session(session.id)
    if locked is None or not policy.can_see_session(actor, locked):
        raise TrainingError(_l("Cette séance n’existe pas."))
    session = locked  # reloaded under the lock
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
    session = lock_known_session(registration.session_id)
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


def free_seats_of_closing_account(_sender, *, user) -> None:
    """The seats of upcoming sessions go to the waiting lists before the account closes
    (``events.account_closing``)."""
    tried: set[int] = set()
    while batch := [r for r in upcoming_for(user) if r.id not in tried]:
        for registration in batch:
            tried.add(registration.id)
            try:
                cancel_registration(user, registration)
            except TrainingError:
                continue
