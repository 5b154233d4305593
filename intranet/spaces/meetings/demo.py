"""Demo meetings at a regional table: one past with its minutes, one to come with an open time poll."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from ...database import utcnow
from ...network import network_zone
from . import services

PAST_AGENDA = """1. Tour de table des deux secteurs
2. Bilan de la fiche de référence commune
3. Interprétariat adapté à la violence : ce qui manque dans la région
4. Prochaine rencontre"""

MINUTES = """**Présences :** cinq organisations des deux secteurs.

- La fiche de référence commune sert depuis trois mois ; les délais de référence ont baissé.
- Il manque des interprètes en dari et en tigrigna formées aux situations de violence : la table
  en parle au service provincial d’interprétariat.
- **Suite :** la coordination prépare un ordre du jour sur la trajectoire unifiée pour la \
prochaine rencontre."""

NEXT_AGENDA = """1. La trajectoire unifiée : qui dépiste, qui réfère, qui suit
2. Formation croisée de l’hiver : approches féministe et interculturelle
3. Varia"""


def _at(days: int, hour: int) -> datetime:
    zone = network_zone()
    day = (utcnow() + timedelta(days=days)).astimezone(zone).date()
    return datetime.combine(day, time(hour, 0), tzinfo=zone)


def load(space, people) -> None:
    """``people``: the demo accounts by key ("coordination" facilitates the table)."""
    run = people["coordination"]
    past = services.schedule(
        run,
        space,
        title="Rencontre d’automne de la table",
        agenda=PAST_AGENDA,
        duration_minutes=150,
        place=services.Place(is_online=False, town="Rimouski"),
        starts_at=_at(2, 13),
    )
    services.register(run, past, 2)
    services.register(people["partenaire"], past, 1)
    past.starts_at = _at(-20, 13)  # it took place three weeks ago
    past.created_at = past.starts_at - timedelta(days=30)
    services.publish_minutes(run, past, MINUTES)
    past.minutes_published_at = past.starts_at + timedelta(days=2)
    upcoming = services.schedule(
        run,
        space,
        title="Rencontre d’hiver : la trajectoire unifiée",
        agenda=NEXT_AGENDA,
        duration_minutes=120,
        place=services.Place(is_online=True, online_url="https://visio.example.org/table-bas-saint-laurent"),
        slots=[_at(24, 9), _at(25, 13), _at(31, 9)],
    )
    first, second, third = services.slots(upcoming)
    services.answer_poll(
        people["intervenante"], upcoming, {first.id: "yes", second.id: "maybe", third.id: "no"}
    )
    services.answer_poll(people["partenaire"], upcoming, {first.id: "yes", second.id: "no", third.id: "yes"})
