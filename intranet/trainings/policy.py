"""Who may see and do what with trainings: the one place the views and services ask.

The catalogue is network-wide (every signed-in member sees published sessions); the room's
details and the meeting link are for confirmed participants and staff only; coordinators act for
the people of their own organization; staff run the calendar.
"""

from __future__ import annotations

from datetime import datetime

from ..accounts.models import User
from .models import Registration, RegistrationStatus, Training, TrainingSession


def can_manage(user: User) -> bool:
    return user.is_authenticated and user.is_staff


def can_see_training(user: User, training: Training) -> bool:
    return training.published or can_manage(user)


def can_see_session(user: User, session: TrainingSession) -> bool:
    return can_see_training(user, session.training)


def can_see_venue(user: User, registration: Registration | None) -> bool:
    """The room's details and the online link: staff, or a confirmed participant."""
    if can_manage(user):
        return True
    return (
        registration is not None
        and registration.user_id == user.id
        and registration.status == RegistrationStatus.CONFIRMED
    )


def can_act_for(actor: User, person: User) -> bool:
    """Register or cancel on someone's behalf: oneself, a colleague for a coordinator, anyone for staff."""
    if actor.id == person.id:
        return True
    if can_manage(actor):
        return True
    return actor.is_coordinator_of(person.organization_id) and person.active


def can_register_others(actor: User) -> bool:
    return can_manage(actor) or actor.role == "coordinator"


def can_see_registration(user: User, registration: Registration) -> bool:
    return can_act_for(user, registration.user)


def is_eligible(person: User, session: TrainingSession) -> bool:
    """The session's optional restriction to sectors or roles (staff are never excluded)."""
    if person.is_staff:
        return True
    if session.allowed_sectors and person.organization.sector.value not in session.allowed_sectors:
        return False
    if session.allowed_roles and person.role.value not in session.allowed_roles:
        return False
    return True


def can_download_certificate(user: User, registration: Registration) -> bool:
    return registration.user_id == user.id or can_manage(user)


def can_evaluate(user: User, registration: Registration | None, now: datetime) -> bool:
    """After the session, a confirmed participant not marked absent may leave one evaluation."""
    return (
        registration is not None
        and registration.user_id == user.id
        and registration.status == RegistrationStatus.CONFIRMED
        and registration.attended is not False
        and not registration.session.is_cancelled
        and registration.session.ends_at <= now
    )
