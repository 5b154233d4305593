"""The network's themes (one list for practices, trainings and advocacy texts)."""

from __future__ import annotations

import pytest


def theme(name_fr: str = "Plan de sécurité", name_en: str | None = None):
    """The theme of that French name, added when missing (demo's English name when known)."""
    from intranet.themes import services
    from intranet.themes.demo import THEMES

    english = dict(THEMES)
    return services.ensure([(name_fr, name_en or english.get(name_fr, name_fr))])[name_fr]


def theme_ids(*names_fr: str) -> list[str]:
    """Ids of these themes as a form posts them."""
    return [str(theme(n).id) for n in names_fr]


@pytest.fixture
def make_theme(db):
    return theme
