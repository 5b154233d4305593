"""The demo network's themes: the canonical list that the migration 0047 mapped the three old lists to."""

from __future__ import annotations

from . import services

THEMES = (
    ("Plan de sécurité", "Safety planning"),
    ("Violence conjugale post-séparation", "Post-separation intimate partner violence"),
    ("Enfants exposés à la violence", "Children exposed to violence"),
    ("Interprétariat", "Interpreting"),
    ("Approche interculturelle", "Intercultural approach"),
    ("Approche intersectionnelle", "Intersectional approach"),
    ("Accès au logement", "Access to housing"),
    ("Statut d’immigration", "Immigration status"),
    ("Tribunaux", "Courts"),
    ("Protection de la jeunesse", "Youth protection"),
    ("Santé mentale", "Mental health"),
    ("Régions éloignées", "Remote regions"),
    ("Financement des maisons", "Funding of shelters"),
)


def load_demo() -> None:
    services.ensure(THEMES)


def named(*names_fr: str):
    """The demo themes of these French names (for the features' demo data)."""
    themes = services.ensure(THEMES)
    return [themes[n] for n in names_fr]
