"""Names and small look-ups the forms and the directory use: the themes a form offers, the
sectors' and roles' names, a region's upcoming sessions."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...accounts.models import Region, Sector
from ...database import utcnow
from ...extensions import db
from ...themes import services as theme_services
from ..models import Training, TrainingSession, training_theme_link


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


def theme_choices(training: Training | None = None) -> list[tuple[int, str]]:
    """The network's active themes, plus the retired ones this training already carries."""
    return theme_services.choices(kept=[t.id for t in training.themes] if training else ())


def theme_usage() -> dict[int, int]:
    """How many trainings carry each theme (the themes page shows it)."""
    rows = db.session.execute(
        sa.select(training_theme_link.c.theme_id, sa.func.count()).group_by(training_theme_link.c.theme_id)
    )
    return {theme_id: count for theme_id, count in rows}


def region_choices() -> list[tuple[int, str]]:
    return [(r.id, r.name) for r in db.session.scalars(sa.select(Region).order_by(Region.name))]
