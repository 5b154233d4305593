"""Demo notifications and preferences for the demo accounts (fictional, towns and regions only)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from ..accounts.models import Region, User
from ..database import utcnow
from ..extensions import db
from .models import Frequency, Notification, NotificationPreference

# (email, kind, title, candidate endpoints (the first that exists without arguments), hours ago, read)
NOTIFICATIONS = (
    (
        "intervenante@demo.passerelle.example",
        "waitlist_promoted",
        "Une place s’est libérée : « Plan de sécurité avec les enfants », séance de Rimouski",
        ("trainings.index", "trainings.calendar"),
        5,
        False,
    ),
    (
        "intervenante@demo.passerelle.example",
        "practice_comment",
        "Nouveau commentaire sur « Accueillir avec une interprète dès le premier appel »",
        ("practices.index",),
        26,
        False,
    ),
    (
        "intervenante@demo.passerelle.example",
        "draft_reviewed",
        "Votre brouillon « Logement : lever les délais pour les femmes sans statut » a été révisé",
        ("advocacy.index",),
        80,
        True,
    ),
    (
        "coordination@demo.passerelle.example",
        "cosign_request",
        "Demande de cosignature : position commune sur les délais en chambre de la jeunesse",
        ("advocacy.index",),
        3,
        False,
    ),
    (
        "coordination@demo.passerelle.example",
        "practice_comment",
        "Nouveau commentaire sur « Groupe de soutien pour mères en 2e étape »",
        ("practices.index",),
        30,
        False,
    ),
    (
        "partenaire@demo.passerelle.example",
        "waitlist_promoted",
        "Une place s’est libérée : « Approche interculturelle et violence post-séparation », Laval",
        ("trainings.index", "trainings.calendar"),
        10,
        False,
    ),
    (
        "equipe@demo.passerelle.example",
        "review_requested",
        "Brouillon à réviser : mémoire sur l’accès au logement social",
        ("advocacy.index",),
        2,
        False,
    ),
)


def _endpoint(candidates: tuple[str, ...]) -> str:
    rules = current_app.url_map
    for endpoint in candidates:
        if any(not rule.arguments for rule in rules.iter_rules(endpoint) if rule.endpoint == endpoint) and (
            endpoint in current_app.view_functions
        ):
            return endpoint
    return "home.index"


def load_demo() -> None:
    users = {u.email: u for u in db.session.scalars(sa.select(User))}
    now = utcnow()
    for email, kind, title, candidates, hours, read in NOTIFICATIONS:
        user = users.get(email)
        if user is None:
            continue
        created = now - timedelta(hours=hours)
        db.session.add(
            Notification(
                user_id=user.id,
                kind=kind,
                title=title,
                endpoint=_endpoint(candidates),
                values={},
                organization_id=user.organization_id,
                created_at=created,
                read_at=created + timedelta(hours=1) if read else None,
            )
        )
    regions = {r.name: r.id for r in db.session.scalars(sa.select(Region))}
    prefs = {
        # The coordinator reads the digest rather than the site: every morning.
        "coordination@demo.passerelle.example": dict(frequency=Frequency.DAILY, weekday=0, all_regions=True),
        "intervenante@demo.passerelle.example": dict(
            frequency=Frequency.WEEKLY,
            weekday=0,
            region_ids=[regions.get("Bas-Saint-Laurent"), regions.get("Gaspésie–Îles-de-la-Madeleine")],
        ),
        "partenaire@demo.passerelle.example": dict(
            frequency=Frequency.WEEKLY, weekday=3, region_ids=[regions.get("Montréal"), regions.get("Laval")]
        ),
        "equipe@demo.passerelle.example": dict(frequency=Frequency.DAILY, weekday=0, all_regions=True),
    }
    for email, values in prefs.items():
        user = users.get(email)
        if user is None or db.session.get(NotificationPreference, user.id) is not None:
            continue
        values["region_ids"] = [r for r in values.get("region_ids", []) if r is not None]
        db.session.add(NotificationPreference(user_id=user.id, theme_ids=[], **values))
    db.session.flush()
