"""Co-signing: staff open and close it; a coordinator signs for their organization or withdraws."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ... import events
from ...accounts.models import Role, User
from ...database import utcnow
from ...extensions import db
from .. import policy
from ..models import Cosignature, Position
from .common import AdvocacyError
from .reading import signature_of


def open_cosigning(user: User, position: Position, closes_on: date, today: date) -> None:
    if not policy.can_manage_cosigning(user, position):
        raise AdvocacyError(_l("La cosignature s’ouvre sur un texte approuvé ou publié."))
    if closes_on < today:
        raise AdvocacyError(_l("La date de clôture est passée."))
    was_open = policy.cosigning_is_open(position, today)
    position.cosign_open = True
    position.cosign_closes_on = closes_on
    position.revision += 1
    if not was_open:
        position.updated_at = utcnow()  # what is new in digests
    db.session.flush()
    if was_open:
        return
    coordinators = list(
        db.session.scalars(
            sa.select(User).where(
                User.role == Role.COORDINATOR,
                User.active.is_(True),
                User.organization_id != position.organization_id,
            )
        )
    )
    if coordinators:
        events.notify.send(
            None,
            user_ids=[u.id for u in coordinators],
            kind="advocacy_cosign_open",
            title=position.title,
            endpoint="advocacy.show",
            values={"position_id": position.id},
            actor_id=user.id,
            organization_id=None,
        )


def close_cosigning(user: User, position: Position) -> None:
    if not policy.can_manage_cosigning(user, position):
        raise AdvocacyError(_l("La cosignature s’ouvre sur un texte approuvé ou publié."))
    position.cosign_open = False
    position.revision += 1
    db.session.flush()


def sign(user: User, position: Position, today: date) -> Cosignature:
    if not policy.can_sign(user, position, today):
        raise AdvocacyError(_l("La cosignature n’est pas possible pour votre organisme."))
    existing = signature_of(position, user.organization_id)
    if existing is not None:
        if existing.withdrawn_at is None:
            return existing
        existing.withdrawn_at = None
        existing.signed_at = utcnow()
        existing.signed_by_id = user.id
        db.session.flush()
        return existing
    signature = Cosignature(
        position_id=position.id, organization_id=user.organization_id, signed_by_id=user.id
    )
    db.session.add(signature)
    db.session.flush()
    return signature


def withdraw(user: User, position: Position, today: date) -> None:
    if not policy.can_sign(user, position, today):
        raise AdvocacyError(_l("La signature ne peut plus être retirée après la date de clôture."))
    existing = signature_of(position, user.organization_id)
    if existing is None or existing.withdrawn_at is not None:
        raise AdvocacyError(_l("Votre organisme n’a pas signé ce texte."))
    existing.withdrawn_at = utcnow()
    db.session.flush()
