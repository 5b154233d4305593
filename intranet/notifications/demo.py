"""Demo notifications and preferences for the demo accounts (fictional, towns and regions only).

Notifications point at the other features' demo objects when those exist (found through the
tables, so this step works whichever features are installed), else at their list pages.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from ..accounts.models import Region, User
from ..database import utcnow
from ..events import object_key
from ..extensions import db
from .models import Frequency, Notification, NotificationPreference


def _table(name: str):
    return db.metadata.tables.get(name)


def _session() -> tuple[str, dict, str] | None:
    """An upcoming session of a published training: (endpoint, values, title)."""
    sessions, trainings = _table("training_session"), _table("training")
    if sessions is None or trainings is None or "trainings.session" not in current_app.view_functions:
        return None
    row = db.session.execute(
        sa.select(sessions.c.id, trainings.c.title)
        .join(trainings, trainings.c.id == sessions.c.training_id)
        .where(sessions.c.starts_at > utcnow(), trainings.c.published.is_(True))
        .order_by(sessions.c.starts_at)
        .limit(1)
    ).first()
    return ("trainings.session", {"session_id": row.id}, row.title) if row else None


def _position(**where) -> tuple[str, dict, str] | None:
    positions = _table("advocacy_position")
    if positions is None or "advocacy.show" not in current_app.view_functions:
        return None
    query = sa.select(positions.c.id, positions.c.title).order_by(positions.c.id).limit(1)
    for column, value in where.items():
        query = query.where(positions.c[column] == value)
    row = db.session.execute(query).first()
    return ("advocacy.show", {"position_id": row.id}, row.title) if row else None


def _or_index(found, endpoint: str, title: str) -> tuple[str, dict, str]:
    if found:
        return found
    return (endpoint if endpoint in current_app.view_functions else "home.index", {}, title)


def load_demo() -> None:
    users = {u.email: u for u in db.session.scalars(sa.select(User))}
    now = utcnow()

    def org_of(email):
        return users[email].organization_id if email in users else None

    plan = [
        # (email, kind, (endpoint, values, title), hours ago, read)
        (
            "intervenante@demo.passerelle.example",
            "waitlist_promoted",
            _or_index(_session(), "trainings.index", "Plan de sécurité avec les enfants"),
            5,
            False,
        ),
        (
            "intervenante@demo.passerelle.example",
            "advocacy_request_changes",
            _or_index(
                _position(organization_id=org_of("intervenante@demo.passerelle.example")),
                "advocacy.index",
                "Logement : lever les délais pour les femmes sans statut",
            ),
            80,
            True,
        ),
        (
            "coordination@demo.passerelle.example",
            "advocacy_cosign_open",
            _or_index(
                _position(status="approved", cosign_open=True),
                "advocacy.index",
                "Position commune sur les délais en chambre de la jeunesse",
            ),
            3,
            False,
        ),
        (
            "partenaire@demo.passerelle.example",
            "waitlist_promoted",
            _or_index(_session(), "trainings.index", "Approche interculturelle et violence post-séparation"),
            10,
            False,
        ),
        (
            "equipe@demo.passerelle.example",
            "advocacy_submit",
            _or_index(
                _position(status="submitted"), "advocacy.index", "Mémoire sur l’accès au logement social"
            ),
            2,
            False,
        ),
    ]
    for email, kind, (endpoint, values, title), hours, read in plan:
        user = users.get(email)
        if user is None:
            continue
        created = now - timedelta(hours=hours)
        db.session.add(
            Notification(
                user_id=user.id,
                kind=kind,
                title=title,
                endpoint=endpoint,
                values=values,
                object_key=object_key(endpoint, values)[:160],
                created_at=created,
                read_at=created + timedelta(hours=1) if read else None,
            )
        )

    regions = {r.name: r.id for r in db.session.scalars(sa.select(Region))}
    prefs: dict[str, dict[str, Any]] = {
        # The coordinator reads the digest rather than the site: every morning.
        "coordination@demo.passerelle.example": dict(frequency=Frequency.DAILY, all_regions=True),
        "intervenante@demo.passerelle.example": dict(
            frequency=Frequency.WEEKLY,
            weekday=0,
            region_ids=["Bas-Saint-Laurent", "Gaspésie–Îles-de-la-Madeleine"],
        ),
        "partenaire@demo.passerelle.example": dict(
            frequency=Frequency.WEEKLY, weekday=3, region_ids=["Montréal", "Laval"]
        ),
        "equipe@demo.passerelle.example": dict(frequency=Frequency.DAILY, all_regions=True, locale="fr"),
    }
    for email, values in prefs.items():
        user = users.get(email)
        if user is None or db.session.get(NotificationPreference, user.id) is not None:
            continue
        values["region_ids"] = [regions[name] for name in values.get("region_ids", []) if name in regions]
        db.session.add(NotificationPreference(user_id=user.id, theme_ids=[], **values))
    db.session.flush()
