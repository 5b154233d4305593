"""Who sits at a space: its member organizations (the seats kept for immigration's organizations),
the people who facilitate it, and the people its news concern."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ... import events
from ...accounts.models import Organization, Sector, User
from ...extensions import db
from .. import policy
from ..models import Space, SpaceFacilitator, SpaceMember
from .common import SpaceError


def members(space: Space) -> list[SpaceMember]:
    return list(
        db.session.scalars(
            sa.select(SpaceMember)
            .join(Organization, Organization.id == SpaceMember.organization_id)
            .where(SpaceMember.space_id == space.id)
            .order_by(Organization.name)
        )
    )


def facilitators(space: Space) -> list[SpaceFacilitator]:
    return list(db.session.scalars(sa.select(SpaceFacilitator).where(SpaceFacilitator.space_id == space.id)))


@dataclass(frozen=True)
class Seats:
    reserved: int
    taken: int

    @property
    def open(self) -> int:
        return max(0, self.reserved - self.taken)


def immigration_seats(space: Space, seated: list[SpaceMember]) -> Seats:
    taken = sum(1 for m in seated if m.organization.sector == Sector.IMMIGRATION)
    return Seats(space.immigration_seats, min(taken, space.immigration_seats))


def organizations_to_seat(space: Space) -> list[Organization]:
    seated = sa.select(SpaceMember.organization_id).where(SpaceMember.space_id == space.id)
    query = sa.select(Organization).where(Organization.active, Organization.id.not_in(seated))
    return list(db.session.scalars(query.order_by(Organization.name)))


def seat(actor: User, space: Space, organization: Organization) -> SpaceMember:
    if not policy.can_manage(actor, space):
        raise SpaceError(_l("Vous ne gérez pas cet espace."))
    existing = db.session.scalar(
        sa.select(SpaceMember).where(
            SpaceMember.space_id == space.id, SpaceMember.organization_id == organization.id
        )
    )
    if existing:
        return existing
    member = SpaceMember(space_id=space.id, organization_id=organization.id, joined_by_id=actor.id)
    db.session.add(member)
    db.session.flush()
    policy.forget_memberships()
    events.audit.send(
        None,
        action="space.seated",
        actor_id=actor.id,
        organization_id=organization.id,
        target_type="space",
        target_id=space.id,
        details={"organization_id": organization.id},
    )
    return member


def unseat(actor: User, space: Space, member: SpaceMember) -> None:
    if not policy.can_manage(actor, space) or member.space_id != space.id:
        raise SpaceError(_l("Vous ne gérez pas cet espace."))
    events.audit.send(
        None,
        action="space.unseated",
        actor_id=actor.id,
        organization_id=member.organization_id,
        target_type="space",
        target_id=space.id,
        details={"organization_id": member.organization_id},
    )
    db.session.delete(member)
    db.session.flush()
    policy.forget_memberships()


def name_facilitator(actor: User, space: Space, person: User) -> None:
    if not actor.is_staff:
        raise SpaceError(_l("Seule l’équipe du réseau nomme les personnes qui animent un espace."))
    if not policy.is_facilitator(person, space):
        db.session.add(SpaceFacilitator(space_id=space.id, user_id=person.id))
        db.session.flush()


def seats_of(org_ids) -> dict[int, set[int]]:
    """The spaces where each of these organizations sits, in one query."""
    found: dict[int, set[int]] = {}
    rows = db.session.execute(
        sa.select(SpaceMember.organization_id, SpaceMember.space_id).where(
            SpaceMember.organization_id.in_(org_ids)
        )
    )
    for org_id, space_id in rows:
        found.setdefault(org_id, set()).add(space_id)
    return found


def people_of(space: Space) -> list[int]:
    """The active people of the space's member organizations (whom its news concern)."""
    seated = sa.select(SpaceMember.organization_id).where(SpaceMember.space_id == space.id)
    return list(
        db.session.scalars(
            sa.select(User.id).where(User.organization_id.in_(seated), User.active, User.closed_at.is_(None))
        )
    )
