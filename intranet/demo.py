"""Plausible, entirely fictional demo data (DOMAIN.md): regions, organizations, one account per role.

Features register their own demo data with ``register_demo``; it runs after the accounts exist.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask, current_app

from .accounts.models import Organization, Region, Role, Sector, User
from .accounts.passwords import hash_password
from .extensions import db
from .text import slugify

REGIONS = (
    "Bas-Saint-Laurent",
    "Saguenay–Lac-Saint-Jean",
    "Capitale-Nationale",
    "Mauricie",
    "Estrie",
    "Montréal",
    "Outaouais",
    "Abitibi-Témiscamingue",
    "Côte-Nord",
    "Nord-du-Québec",
    "Gaspésie–Îles-de-la-Madeleine",
    "Chaudière-Appalaches",
    "Laval",
    "Lanaudière",
    "Laurentides",
    "Montérégie",
    "Centre-du-Québec",
)

# (name, sector, region, town) — invented names, towns only, never an address.
ORGANIZATIONS = (
    ("Réseau Passerelle (équipe du réseau)", Sector.OTHER, "Montréal", "Montréal", True),
    ("Maison L’Éclaircie", Sector.SHELTER, "Bas-Saint-Laurent", "Rimouski", False),
    ("Habitations Le Phare", Sector.SHELTER, "Saguenay–Lac-Saint-Jean", "Alma", False),
    ("Maison Les Deux Rives", Sector.SHELTER, "Capitale-Nationale", "Québec", False),
    ("Centre de femmes La Traversée", Sector.VIOLENCE, "Estrie", "Sherbrooke", False),
    ("Table régionale Chemins croisés", Sector.VIOLENCE, "Outaouais", "Gatineau", False),
    ("Accueil Horizons Nouveaux", Sector.IMMIGRATION, "Montréal", "Montréal", False),
    ("Passage Interculturel de Laval", Sector.IMMIGRATION, "Laval", "Laval", False),
    ("Maison Aurore boréale", Sector.SHELTER, "Abitibi-Témiscamingue", "Rouyn-Noranda", False),
)

DEMO_PASSWORD = "passerelle-demo-2026"

# (email, name, role, organization index)
ACCOUNTS = (
    ("admin@demo.passerelle.example", "Alix Administratrice", Role.ADMIN, 0),
    ("equipe@demo.passerelle.example", "Camille Réseau", Role.STAFF, 0),
    ("coordination@demo.passerelle.example", "Dominique Coordination", Role.COORDINATOR, 1),
    ("intervenante@demo.passerelle.example", "Élise Intervenante", Role.MEMBER, 1),
    ("partenaire@demo.passerelle.example", "Farida Partenaire", Role.MEMBER, 6),
)
EXTRA_NAMES = ("Gabrielle", "Hélène", "Inès", "Josée", "Karine", "Léa", "Maude", "Nadia", "Océane", "Pascale")

#: ``app.extensions[DEMO_STEPS]``: (order, step) of each feature's demo data, by order.
DEMO_STEPS = "passerelle.demo_steps"


def register_demo(app: Flask, order: int, step: Callable[[], None]) -> None:
    steps = app.extensions.setdefault(DEMO_STEPS, [])
    if step not in [s for _o, s in steps]:
        steps.append((order, step))
        steps.sort(key=lambda item: item[0])


def ensure_regions() -> dict[str, Region]:
    existing = {r.name: r for r in db.session.scalars(sa.select(Region))}
    for name in REGIONS:
        if name not in existing:
            region = Region(name=name, slug=slugify(name))
            db.session.add(region)
            existing[name] = region
    db.session.flush()
    return existing


def is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def load_demo() -> list[tuple[str, str, Role]]:
    """Load the demo data; returns the demo accounts (email, password, role)."""
    regions = ensure_regions()
    orgs = []
    for name, sector, region, town, is_network in ORGANIZATIONS:
        org = Organization(name=name, sector=sector, region=regions[region], town=town, is_network=is_network)
        db.session.add(org)
        orgs.append(org)
    db.session.flush()
    password_hash = hash_password(DEMO_PASSWORD)
    for email, name, role, org_index in ACCOUNTS:
        db.session.add(
            User(email=email, name=name, role=role, organization=orgs[org_index], password_hash=password_hash)
        )
    for i, first in enumerate(EXTRA_NAMES):
        org = orgs[1 + i % (len(orgs) - 1)]
        db.session.add(
            User(
                email=f"{slugify(first)}@demo.passerelle.example",
                name=f"{first} {org.town}",
                role=Role.COORDINATOR if i < 3 else Role.MEMBER,
                organization=org,
                password_hash=password_hash,
            )
        )
    db.session.flush()
    for _order, step in current_app.extensions.get(DEMO_STEPS, []):
        step()
    db.session.commit()
    return [(email, DEMO_PASSWORD, role) for email, _n, role, _o in ACCOUNTS]
