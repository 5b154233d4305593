"""What a member can choose to follow: regions (the foundation's) and themes (the network's one
list, ``intranet.themes``, which practices, trainings and advocacy texts are tagged from)."""

from __future__ import annotations

import sqlalchemy as sa

from ..accounts.models import Region, User
from ..extensions import db
from ..themes.services import choices
from .models import NotificationPreference


def theme_choices() -> list[tuple[int, str]]:
    """The active themes, by name in the reader's language."""
    return choices()


def region_choices() -> list[tuple[int, str]]:
    return [(r.id, r.name) for r in db.session.scalars(sa.select(Region).order_by(Region.name))]


class Interests:
    """A member's regions and themes, as the digest applies them."""

    def __init__(self, region_ids: set[int] | None, theme_ids: set[int]) -> None:
        self.region_ids = region_ids  # None: every region
        self.theme_ids = theme_ids  # empty: every theme

    @classmethod
    def of(cls, user: User, pref: NotificationPreference | None) -> Interests:
        if pref is None:
            return cls({user.organization.region_id}, set())
        regions = None if pref.all_regions else {int(r) for r in pref.region_ids or []}
        if regions is not None and not regions:
            regions = {user.organization.region_id}
        return cls(regions, {int(t) for t in pref.theme_ids or []})

    def in_regions(self, region_id: int | None) -> bool:
        return region_id is None or self.region_ids is None or region_id in self.region_ids

    def matches(self, region_id: int | None, theme_ids: tuple[int, ...]) -> bool:
        """An item without a region or without themes is not filtered out on that account."""
        if not self.in_regions(region_id):
            return False
        return not (self.theme_ids and theme_ids and not self.theme_ids.intersection(theme_ids))
