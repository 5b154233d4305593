"""Spaces themselves: those a person may read, opening a regional table, creating and changing a
thematic space, and the practices of a table's region."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...accounts.models import Region, User
from ...extensions import db
from ...practices.models import Practice
from ...practices.policy import visible_clause as practice_visible_clause
from .. import policy
from ..models import Space, SpaceKind, SpaceVisibility
from .common import SpaceError


def readable_spaces(user: User) -> list[Space]:
    return list(
        db.session.scalars(
            sa.select(Space).where(policy.readable_clause(user)).order_by(Space.kind, Space.name)
        )
    )


def regions_without_table() -> list[Region]:
    taken = sa.select(Space.region_id).where(Space.region_id.is_not(None))
    return list(db.session.scalars(sa.select(Region).where(Region.id.not_in(taken)).order_by(Region.name)))


def open_regional_table(actor: User, region: Region) -> Space:
    if not actor.is_staff:
        raise SpaceError(_l("Seule l’équipe du réseau ouvre une table régionale."))
    if db.session.scalar(sa.select(Space.id).where(Space.region_id == region.id)):
        raise SpaceError(_l("Cette région a déjà sa table."))
    space = Space(
        kind=SpaceKind.REGION,
        name=region.name,
        region_id=region.id,
        visibility=SpaceVisibility.NETWORK,
        immigration_seats=2,
        created_by_id=actor.id,
    )
    db.session.add(space)
    db.session.flush()
    return space


def create_space(
    actor: User, *, name: str, description: str, visibility: str, immigration_seats: int
) -> Space:
    if not actor.is_staff:
        raise SpaceError(_l("Seule l’équipe du réseau crée un espace thématique."))
    space = Space(
        kind=SpaceKind.THEME,
        name=name.strip(),
        description=description.strip(),
        visibility=SpaceVisibility(visibility),
        immigration_seats=immigration_seats,
        created_by_id=actor.id,
    )
    db.session.add(space)
    db.session.flush()
    return space


def update_space(
    actor: User, space: Space, *, description: str, visibility: str, immigration_seats: int
) -> None:
    if not policy.can_manage(actor, space):
        raise SpaceError(_l("Vous ne gérez pas cet espace."))
    space.description = description.strip()
    space.visibility = SpaceVisibility(visibility)
    space.immigration_seats = immigration_seats
    db.session.flush()


def region_practices(user: User, space: Space, limit: int = 5) -> list[Practice]:
    if space.region_id is None:
        return []
    query = (
        sa.select(Practice)
        .where(practice_visible_clause(user), Practice.region_id == space.region_id)
        .order_by(Practice.published_at.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))
