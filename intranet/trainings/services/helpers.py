"""Names and small look-ups the demo, the forms and the directory use: themes by name, the
sectors' and roles' names, a region's upcoming sessions."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...accounts.models import Region, Sector
from ...database import utcnow
from ...extensions import db
from ...text import slugify
from ..models import Training, TrainingSession, TrainingTheme


def ensure_themes(names: list[str]) -> list[TrainingTheme]:

    existing = {t.name: t for t in db.session.scalars(sa.select(TrainingTheme))}
    themes = []
    for name in names:
        theme = existing.get(name)
        if theme is None:
            theme = TrainingTheme(name=name, slug=slugify(name))
            db.session.add(theme)
            existing[name] = theme
        themes.append(theme)
    db.session.flush()
    return themes


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


def upcoming_in_region(
    region_id: int | None, limit: int = 5, *, now: datetime | None = None
) -> list[TrainingSession]:
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


def theme_choices() -> list[tuple[int, str]]:
    return [(t.id, t.name) for t in db.session.scalars(sa.select(TrainingTheme).order_by(TrainingTheme.name))]


def region_choices() -> list[tuple[int, str]]:
    return [(r.id, r.name) for r in db.session.scalars(sa.select(Region).order_by(Region.name))]
