"""Staff's side: trainings and their sessions (a change promotes from the line and tells the
people registered), cancelling a session, attendance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ... import events
from ...accounts.models import User
from ...database import utcnow
from ...extensions import db
from ...tasks.models import TaskRecord
from ...themes import services as theme_services
from .. import policy
from ..models import Registration, SessionFormat, Training, TrainingSession
from .booking import _confirmed_count, _fill_seats, lock_known_session
from .catalogue import participants, waiting_list
from .common import CONFIRMED, WAITING, TrainingError
from .emails import _email_changed, _email_session_cancelled


def _require_staff(actor: User) -> None:
    if not policy.can_manage(actor):
        raise TrainingError(_l("Réservé à l’équipe du réseau."))


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
            None,
            action=audit_action,
            actor_id=actor.id,
            organization_id=None,
            target_type="training",
            target_id=training.id,
            details={},
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
    session = lock_known_session(session.id)
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
    session = lock_known_session(session.id)
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
    session = lock_known_session(session.id)
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


def trainings_overview(*, now: datetime | None = None) -> tuple[list[Training], dict[int, int]]:
    """Staff's list: every training (drafts first), and how many sessions each has to come."""
    trainings = list(
        db.session.scalars(sa.select(Training).order_by(Training.published, Training.title)).all()
    )
    now = now or utcnow()
    upcoming = dict(
        db.session.execute(
            sa.select(TrainingSession.training_id, sa.func.count())
            .where(TrainingSession.starts_at >= now, TrainingSession.cancelled_at.is_(None))
            .group_by(TrainingSession.training_id)
        ).all()
    )
    return trainings, upcoming


def latest_certificates_task(session_id: int) -> TaskRecord | None:
    """The session's latest run of the certificates (see ``views.participants.certificates``)."""
    return db.session.scalar(
        sa.select(TaskRecord)
        .where(
            TaskRecord.kind == "training_certificates",
            TaskRecord.cache_key == f"training-certificates-{session_id}",
        )
        .order_by(TaskRecord.id.desc())
        .limit(1)
    )


def participants_export(actor: User, session: TrainingSession) -> tuple[list[str], list[list]]:
    """The CSV of a session's people, as its header and rows: only what running the session needs
    (no email, no phone: staff write from the intranet). Who downloaded it goes to the audit log."""
    rows = []
    for r in participants(session.id):
        presence = "" if r.attended is None else (_("présence notée") if r.attended else _("absence notée"))
        rows.append(
            [
                r.user.name,
                r.user.organization.name,
                r.user.organization.region.name,
                _("confirmée"),
                "",
                presence,
            ]
        )
    for i, r in enumerate(waiting_list(session.id), start=1):
        rows.append(
            [r.user.name, r.user.organization.name, r.user.organization.region.name, _("en attente"), i, ""]
        )
    # Who downloaded a list of people goes to the audit log.
    events.audit.send(
        None,
        action="participants.exported",
        actor_id=actor.id,
        organization_id=None,
        target_type="training_session",
        target_id=session.id,
        details={"format": "csv"},
    )
    header = [_("Nom"), _("Organisme"), _("Région"), _("Statut"), _("Position"), _("Présence")]
    return header, rows
