"""Demo censuses: two past annual campaigns and one open, with plausible, invented figures.

A census needs organizations to count: the demo adds second-stage houses (invented names, towns
only) in a few regions, so that some regions have enough answers to show and others do not.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa

from ..accounts.models import Organization, Role, Sector, User
from ..database import utcnow
from ..demo import ACCOUNTS, ensure_regions
from ..extensions import db
from .models import Campaign, Period, Response, ResponseStatus, Value
from .services import campaigns

HOUSES = (
    ("Maison Le Tournesol", "Montréal", "Montréal"),
    ("Habitations L’Escale", "Montréal", "Montréal"),
    ("Maison La Boussole", "Montréal", "Montréal"),
    ("Maison Entre-Deux", "Montréal", "Montréal"),
    ("Maison L’Arc-en-ciel", "Capitale-Nationale", "Québec"),
    ("Habitations Le Relais", "Capitale-Nationale", "Lévis"),
    ("Maison La Source", "Capitale-Nationale", "Québec"),
    ("Maison L’Envolée", "Montérégie", "Longueuil"),
    ("Habitations Le Sentier", "Montérégie", "Saint-Hyacinthe"),
    ("Maison La Clairière", "Montérégie", "Granby"),
    ("Maison Le Pont-Levis", "Montérégie", "Valleyfield"),
    ("Maison L’Ancrage", "Estrie", "Magog"),
    ("Habitations Les Cantons", "Estrie", "Sherbrooke"),
    ("Maison Le Rivage", "Laurentides", "Saint-Jérôme"),
    ("Maison L’Éveil", "Laurentides", "Mont-Laurier"),
    ("Habitations Le Nid", "Laurentides", "Sainte-Agathe-des-Monts"),
)

HIGHLIGHTS = (
    "Nous avons ouvert deux logements de plus grâce à un partenariat avec l’office d’habitation.",
    "Les demandes d’interprétariat en espagnol ont doublé ; la banque régionale d’interprètes a été "
    "précieuse.",
    "Une année marquée par le manque de logements abordables à la sortie de la maison.",
    "L’atelier sur le plan de sécurité avec les organismes pont a été repris dans trois autres régions.",
    "Les enfants accueillis ont pu garder leur école grâce au transport organisé avec le centre de "
    "services scolaire.",
)


def _figures(rng: random.Random, campaign: Campaign, growth: float) -> dict[tuple[int, str], int]:
    units = rng.randint(6, 18)
    women = round(units * rng.uniform(1.2, 1.6) * growth)
    children = round(women * rng.uniform(0.9, 1.4))
    nights = round(units * rng.uniform(280, 340))
    turned_away = rng.randint(0, 45)
    interpreting = rng.choice((0, 0, rng.randint(1, 6), rng.randint(4, 30)))
    met = round(interpreting * rng.uniform(0.5, 1))
    by_key = {
        "women": women,
        "children": children,
        "units": units,
        "nights": nights,
        "turned_away": turned_away,
        "interpreting": interpreting,
        "interpreting_met": met,
        "interpreting_unmet": interpreting - met,
    }
    figures: dict[tuple[int, str], int] = {}
    for question in campaign.questions:
        total = by_key.get(question.key, rng.randint(0, 20))
        figures[(question.id, "")] = total
        cats = [c for c, _label in question.categories]
        if cats:
            weights = [rng.random() + (1.5 if c in ("fr", "0-5", "30-49") else 0) for c in cats]
            shares = [int(total * w / sum(weights)) for w in weights]
            shares[0] += total - sum(shares)
            for category, share in zip(cats, shares, strict=True):
                figures[(question.id, category)] = share
    return figures


def _answer(
    response: Response, figures: dict, coordinator_id: int | None, highlights: str, submitted: bool
) -> None:
    for (question_id, category), value in figures.items():
        response.values.append(Value(question_id=question_id, category=category, value=value))
    response.highlights = highlights
    response.status = ResponseStatus.SUBMITTED if submitted else ResponseStatus.DRAFT
    response.updated_at = utcnow()
    response.updated_by_id = coordinator_id
    if submitted:
        response.submitted_at = utcnow()


def load_demo() -> None:
    regions = ensure_regions()
    existing = set(db.session.scalars(sa.select(Organization.name)))
    for name, region, town in HOUSES:
        if name not in existing:
            db.session.add(Organization(name=name, sector=Sector.SHELTER, region=regions[region], town=town))
    db.session.flush()
    staff = db.session.scalar(sa.select(User).where(User.role == Role.STAFF).order_by(User.id).limit(1))
    if staff is None:
        return
    coordinators = dict(
        db.session.execute(
            sa.select(User.organization_id, sa.func.min(User.id))
            .where(User.role == Role.COORDINATOR)
            .group_by(User.organization_id)
        ).all()
    )
    rng = random.Random(21)
    sectors = [Sector.SHELTER.value, Sector.VIOLENCE.value]
    past = None
    for year, growth in ((2024, 1.0), (2025, 1.08)):
        data = campaigns.CampaignData(
            name=f"Recensement annuel {year}",
            period=Period.YEAR,
            starts_on=date(year, 1, 1),
            closes_on=date(year + 1, 1, 31),
            sectors=sectors,
            highlights_question="Qu’est-ce qui a marqué l’année dans votre maison ?",
        )
        campaign = campaigns.create_campaign(staff, data, copy_from=past)
        campaigns.open_campaign(staff, campaign)
        for index, response in enumerate(
            sorted(campaign_responses(campaign), key=lambda r: r.organization_id)
        ):
            if rng.random() < 0.1:  # a few houses did not answer
                continue
            text = HIGHLIGHTS[index % len(HIGHLIGHTS)] if index % 4 == 0 else ""
            _answer(
                response,
                _figures(rng, campaign, growth),
                coordinators.get(response.organization_id),
                text,
                True,
            )
        db.session.flush()
        campaigns.close_campaign(staff, campaign)
        campaign.closed_at = utcnow() - timedelta(days=365 * (2026 - year))
        if year == 2025:
            chosen = {r.id for r in campaigns.highlights_for_review(campaign)[:2]}
            campaigns.publish_highlights(staff, campaign, chosen)
        past = campaign
    data = campaigns.CampaignData(
        name="Recensement annuel 2026",
        period=Period.YEAR,
        starts_on=date(2026, 1, 1),
        closes_on=date(2027, 1, 31),
        sectors=sectors,
        highlights_question="Qu’est-ce qui a marqué l’année dans votre maison ?",
    )
    current = campaigns.create_campaign(staff, data, copy_from=past)
    campaigns.open_campaign(staff, current)
    demo_coordinator = db.session.scalar(sa.select(User).where(User.email == ACCOUNTS[2][0]))
    for index, response in enumerate(sorted(campaign_responses(current), key=lambda r: r.organization_id)):
        coordinator = coordinators.get(response.organization_id)
        mine = demo_coordinator is not None and response.organization_id == demo_coordinator.organization_id
        if index % 3 == 0 and not mine:
            continue  # not started yet
        figures = _figures(rng, current, 1.12)
        draft = mine or index % 3 == 1
        if draft:  # a draft someone will come back to: the totals, not yet the breakdowns
            figures = {key: value for key, value in figures.items() if key[1] == ""}
        _answer(response, figures, coordinator, "", submitted=not draft)
    db.session.flush()


def campaign_responses(campaign: Campaign) -> list[Response]:
    return list(db.session.scalars(sa.select(Response).where(Response.campaign_id == campaign.id)))
