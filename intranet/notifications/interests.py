"""What a member can choose to follow: regions (the foundation's) and themes (the practices library's).

Themes belong to the practices library (the digest filters practices by theme; trainings and
positions have theme lists of their own, whose ids mean something else). The library may
register its list with ``register_theme_provider``; otherwise its mapped class ``PracticeTheme``
(or a class ``Theme``) is read when it exists, and without any, preferences simply offer no
theme choice (every theme is followed).
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask_babel import get_locale

from ..accounts.models import Region, User
from ..extensions import db
from .models import NotificationPreference

_theme_provider: Callable[[], list[tuple[int, str]]] | None = None


def register_theme_provider(provider: Callable[[], list[tuple[int, str]]]) -> None:
    global _theme_provider
    _theme_provider = provider


def _theme_model():
    classes = {mapper.class_.__name__: mapper.class_ for mapper in db.Model.registry.mappers}
    return classes.get("PracticeTheme") or classes.get("Theme")


def _label(theme, locale: str) -> str:
    if callable(getattr(theme, "label", None)):
        return str(theme.label(locale))
    return str(getattr(theme, "name", None) or getattr(theme, "name_fr", theme.id))


def theme_choices() -> list[tuple[int, str]]:
    if _theme_provider is not None:
        return [(int(i), str(label)) for i, label in _theme_provider()]
    cls = _theme_model()
    if cls is None:
        return []
    query = sa.select(cls)
    if hasattr(cls, "active"):
        query = query.where(cls.active.is_(True))
    locale = str(get_locale() or "fr")
    return sorted(((t.id, _label(t, locale)) for t in db.session.scalars(query)), key=lambda c: c[1].lower())


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
