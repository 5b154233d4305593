"""The themes practices are tagged with: the network's one list (``intranet.themes``)."""

from __future__ import annotations

import sqlalchemy as sa

from ...extensions import db
from ...themes import services as theme_services
from ...themes.models import Theme
from ..models import practice_theme


def list_themes(active_only: bool = True) -> list[Theme]:
    """The network's themes (one list for every feature: ``intranet.themes``)."""
    return theme_services.list_themes(active_only)


def theme_usage() -> dict[int, int]:
    """How many practices carry each theme (the themes page shows it)."""
    rows = db.session.execute(
        sa.select(practice_theme.c.theme_id, sa.func.count()).group_by(practice_theme.c.theme_id)
    )
    return {theme_id: count for theme_id, count in rows}
