"""Campaigns: the questionnaire, who is asked, opening, participation, reminders, closing.

Functions take the acting user, add and flush, never commit.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...accounts.models import Organization, Region, Role, Sector, User
from ...database import utcnow
from ...extensions import db
from ...mail.services import queue_email
from ...text import fold
from ...urls import external_url
from .. import aggregates, policy
from ..models import (
    Breakdown,
    Campaign,
    CampaignStatus,
    CensusSettings,
    Period,
    Question,
    Response,
    ResponseStatus,
)
from . import CensusError

K_RANGE = (3, 100)


# --- periods ---------------------------------------------------------------------------------


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_end(period: Period, starts_on: date) -> date:
    if period == Period.DAY:
        return starts_on
    return _add_months(starts_on, 3 if period == Period.QUARTER else 12) - timedelta(days=1)


# --- the questionnaire ------------------------------------------------------------------------

# Words that ask about a person, not a count: a census question never asks them (DOMAIN rule 2).
PERSONAL_WORDS = (
    "nom", "prenom", "adresse", "date de naissance", "telephone", "courriel", "numero de dossier",
    "assurance maladie", "name", "address", "birth", "phone", "email", "file number", "health card",
)  # fmt: skip
_PERSONAL = re.compile(r"\b(" + "|".join(re.escape(w) for w in PERSONAL_WORDS) + r")s?\b")


def personal_words(text: str) -> list[str]:
    return sorted({m.group(1) for m in _PERSONAL.finditer(fold(text or ""))})


@dataclass
class QuestionData:
    label: str
    definition: str = ""
    breakdown: str | None = None
    parent_id: int | None = None


# The questionnaire a new campaign starts from (key, label, definition, breakdown, parent key).
STANDARD = (
    ("women", _l("Femmes hébergées"),
     _l("Femmes ayant occupé un logement de la maison pendant la période, comptées une fois."),
     Breakdown.ADULT_AGE, None),
    ("children", _l("Enfants hébergés"),
     _l("Enfants ayant accompagné leur mère pendant la période, comptés une fois."),
     Breakdown.CHILD_AGE, None),
    ("units", _l("Logements disponibles"),
     _l("Logements sécurisés que la maison peut offrir, au dernier jour de la période."),
     None, None),
    ("nights", _l("Nuitées"),
     _l("Somme, pour chaque logement occupé, des nuits passées pendant la période."),
     None, None),
    ("turned_away", _l("Demandes refusées faute de place"),
     _l("Demandes d’hébergement qui n’ont pu être acceptées parce qu’aucun logement n’était libre."),
     None, None),
    ("interpreting", _l("Demandes d’interprétariat"),
     _l("Demandes d’interprétariat adapté à la violence reçues pendant la période."),
     Breakdown.LANGUAGE, None),
    ("interpreting_met", _l("Demandes d’interprétariat satisfaites"),
     _l("Parmi ces demandes, celles pour lesquelles une interprète a été trouvée."),
     None, "interpreting"),
    ("interpreting_unmet", _l("Demandes d’interprétariat non satisfaites"),
     _l("Parmi ces demandes, celles restées sans interprète."),
     None, "interpreting"),
)  # fmt: skip


def _slug_key(label: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", fold(label)).strip("_")[:40] or "q"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def _check_question(campaign: Campaign, data: QuestionData, question: Question | None = None) -> None:
    words = personal_words(data.label + " " + data.definition)
    if words:
        raise CensusError(
            _l(
                "Une question de recensement compte ; elle ne demande rien sur une personne (%(words)s).",
                words=", ".join(words),
            )
        )
    if data.breakdown and data.breakdown not in {b.value for b in Breakdown}:
        raise CensusError(_l("Cette ventilation n’existe pas."))
    if data.parent_id is not None:
        parent = db.session.get(Question, data.parent_id)
        if parent is None or parent.campaign_id != campaign.id or parent.parent_id is not None:
            raise CensusError(_l("Une partie se rattache à une question principale de ce questionnaire."))
        if question is not None and (
            parent.id == question.id or any(q.parent_id == question.id for q in campaign.questions)
        ):
            raise CensusError(_l("Une question qui a des parties ne peut pas être elle-même une partie."))


def _require_draft(campaign: Campaign) -> None:
    if campaign.status != CampaignStatus.DRAFT:
        raise CensusError(_l("Le questionnaire ne change plus une fois le recensement ouvert."))


def add_question(actor: User, campaign: Campaign, data: QuestionData) -> Question:
    _require_draft(campaign)
    _check_question(campaign, data)
    taken = {q.key for q in campaign.questions}
    question = Question(
        campaign=campaign,
        key=_slug_key(data.label, taken),
        position=max((q.position for q in campaign.questions), default=0) + 1,
        label=data.label.strip(),
        definition=data.definition.strip(),
        breakdown=data.breakdown or None,
        parent_id=data.parent_id,
    )
    db.session.add(question)
    db.session.flush()
    return question


def update_question(actor: User, question: Question, data: QuestionData) -> Question:
    campaign = question.campaign
    _require_draft(campaign)
    _check_question(campaign, data, question)
    question.label = data.label.strip()
    question.definition = data.definition.strip()
    question.breakdown = data.breakdown or None
    question.parent_id = data.parent_id
    db.session.flush()
    return question


def delete_question(actor: User, question: Question) -> None:
    _require_draft(question.campaign)
    campaign = question.campaign
    for part in [q for q in campaign.questions if q.parent_id == question.id]:
        campaign.questions.remove(part)
    db.session.flush()  # the parts first: the database would cascade them under the ORM's feet
    campaign.questions.remove(question)
    db.session.flush()


# --- campaigns -------------------------------------------------------------------------------


@dataclass
class CampaignData:
    name: str
    period: Period
    starts_on: date
    closes_on: date | None = None
    sectors: list[str] = field(default_factory=list)
    region_ids: list[int] = field(default_factory=list)
    highlights_question: str = ""


def _apply(campaign: Campaign, data: CampaignData) -> None:
    if data.closes_on is not None and data.closes_on < data.starts_on:
        raise CensusError(_l("La date limite de réponse vient après le début de la période."))
    campaign.name = data.name.strip()
    campaign.period = data.period
    campaign.starts_on = data.starts_on
    campaign.ends_on = period_end(data.period, data.starts_on)
    campaign.closes_on = data.closes_on
    campaign.highlights_question = data.highlights_question.strip()
    if campaign.status == CampaignStatus.DRAFT:
        campaign.sectors = sorted({s for s in data.sectors if s in {x.value for x in Sector}})
        campaign.region_ids = sorted({int(r) for r in data.region_ids})


def create_campaign(actor: User, data: CampaignData, copy_from: Campaign | None = None) -> Campaign:
    """A new campaign in preparation, with the questionnaire of ``copy_from`` or the standard one."""
    if not policy.can_manage(actor):
        raise CensusError(_l("Seule l’équipe du réseau prépare les recensements."))
    campaign = Campaign(
        created_by_id=actor.id,
        status=CampaignStatus.DRAFT,
        copied_from_id=copy_from.id if copy_from else None,
    )
    _apply(campaign, data)
    db.session.add(campaign)
    db.session.flush()
    if copy_from is not None:
        mapping: dict[int, Question] = {}
        for source in copy_from.questions:
            copy = Question(
                campaign=campaign,
                key=source.key,
                position=source.position,
                label=source.label,
                definition=source.definition,
                breakdown=source.breakdown,
            )
            db.session.add(copy)
            mapping[source.id] = copy
        db.session.flush()
        for source in copy_from.questions:
            if source.parent_id is not None and source.parent_id in mapping:
                mapping[source.id].parent_id = mapping[source.parent_id].id
    else:
        keys: dict[str, Question] = {}
        for position, (key, label, definition, breakdown, parent) in enumerate(STANDARD, start=1):
            question = Question(
                campaign=campaign,
                key=key,
                position=position,
                label=str(label),
                definition=str(definition),
                breakdown=breakdown.value if breakdown else None,
            )
            db.session.add(question)
            keys[key] = question
            db.session.flush()
            if parent:
                question.parent_id = keys[parent].id
    db.session.flush()
    return campaign


def update_campaign(actor: User, campaign: Campaign, data: CampaignData) -> Campaign:
    if campaign.status == CampaignStatus.CLOSED:
        raise CensusError(_l("Ce recensement est fermé."))
    _apply(campaign, data)
    db.session.flush()
    return campaign


def asked_organizations(campaign: Campaign) -> list[Organization]:
    query = sa.select(Organization).where(Organization.active.is_(True), Organization.is_network.is_(False))
    if campaign.sectors:
        query = query.where(Organization.sector.in_([Sector(s) for s in campaign.sectors]))
    if campaign.region_ids:
        query = query.where(Organization.region_id.in_(campaign.region_ids))
    return list(db.session.scalars(query.order_by(Organization.name)))


def open_campaign(actor: User, campaign: Campaign) -> int:
    """Open to answers: one response row per organization asked. Returns how many were asked."""
    if campaign.status != CampaignStatus.DRAFT:
        raise CensusError(_l("Ce recensement est déjà ouvert."))
    if not campaign.questions:
        raise CensusError(_l("Ajoutez au moins une question avant d’ouvrir le recensement."))
    organizations = asked_organizations(campaign)
    if not organizations:
        raise CensusError(_l("Aucun organisme ne correspond aux secteurs et aux régions choisis."))
    for org in organizations:
        db.session.add(Response(campaign=campaign, organization_id=org.id, region_id=org.region_id))
    campaign.status = CampaignStatus.OPEN
    campaign.opened_at = utcnow()
    campaign.touch()
    db.session.flush()
    return len(organizations)


def close_campaign(actor: User, campaign: Campaign) -> None:
    if campaign.status != CampaignStatus.OPEN:
        raise CensusError(_l("Seul un recensement ouvert peut être fermé."))
    campaign.status = CampaignStatus.CLOSED
    campaign.closed_at = utcnow()
    campaign.touch()
    db.session.flush()
    aggregates.store_totals(campaign)


def reopen_campaign(actor: User, campaign: Campaign) -> None:
    """Reopen a closed campaign for corrections (its results are withdrawn meanwhile)."""
    if campaign.status != CampaignStatus.CLOSED:
        raise CensusError(_l("Seul un recensement fermé peut être rouvert."))
    campaign.status = CampaignStatus.OPEN
    campaign.closed_at = None
    campaign.touch()
    db.session.flush()
    aggregates.drop_totals(campaign)


# --- participation: who answered, never what ---------------------------------------------------


@dataclass(frozen=True)
class Participation:
    organization: str
    region: str
    status: ResponseStatus
    submitted_at: object
    reminded_at: object


PARTICIPATION_PAGE = 100


def participation(campaign: Campaign, page: int = 1) -> tuple[list[Participation], int]:
    """One page of who was asked and where they stand (never their figures), and the page count."""
    count = db.session.scalar(sa.select(sa.func.count()).where(Response.campaign_id == campaign.id)) or 0
    pages = max(1, -(-count // PARTICIPATION_PAGE))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        sa.select(
            Organization.name, Region.name, Response.status, Response.submitted_at, Response.reminded_at
        )
        .join(Organization, Organization.id == Response.organization_id)
        .join(Region, Region.id == Response.region_id)
        .where(Response.campaign_id == campaign.id)
        .order_by(Region.name, Organization.name, Response.id)
        .limit(PARTICIPATION_PAGE)
        .offset((page - 1) * PARTICIPATION_PAGE)
    ).all()
    return [Participation(*row) for row in rows], pages


def participation_counts(campaign: Campaign) -> dict[ResponseStatus, int]:
    counts = dict(
        db.session.execute(
            sa.select(Response.status, sa.func.count())
            .where(Response.campaign_id == campaign.id)
            .group_by(Response.status)
        ).all()
    )
    return {status: counts.get(status, 0) for status in ResponseStatus}


def send_reminders(actor: User, campaign: Campaign, today: date) -> int:
    """Email the coordinators of every organization asked that has not submitted (once a day)."""
    if campaign.status != CampaignStatus.OPEN:
        raise CensusError(_l("Les rappels partent pendant que le recensement est ouvert."))
    waiting = db.session.scalars(
        sa.select(Response).where(
            Response.campaign_id == campaign.id, Response.status != ResponseStatus.SUBMITTED
        )
    ).all()
    sent = 0
    link = external_url("census.answer", campaign_id=campaign.id)
    for response in waiting:
        coordinators = db.session.scalars(
            sa.select(User).where(
                User.organization_id == response.organization_id,
                User.role == Role.COORDINATOR,
                User.active.is_(True),
                User.closed_at.is_(None),
            )
        ).all()
        for user in coordinators:
            message = queue_email(
                to=user.email,
                kind="census_reminder",
                template="census_reminder",
                locale=user.locale,
                user_id=user.id,
                dedupe_key=f"census-reminder-{campaign.id}-{user.id}-{today.isoformat()}",
                user_name=user.name,
                organization_name=response.organization.name,
                campaign_name=campaign.name,
                closes_on=campaign.closes_on,
                link=link,
            )
            sent += message is not None
        response.reminded_at = utcnow()
    db.session.flush()
    return sent


# --- highlights and settings -------------------------------------------------------------------


def highlights_for_review(campaign: Campaign) -> list[Response]:
    """Submitted highlights, in an order that says nothing of who wrote them."""
    rows = db.session.scalars(
        sa.select(Response).where(
            Response.campaign_id == campaign.id,
            Response.status == ResponseStatus.SUBMITTED,
            Response.highlights != "",
        )
    ).all()
    return sorted(rows, key=lambda r: (r.highlights.casefold(), r.id))


def published_highlights(campaign: Campaign) -> list[str]:
    if campaign.highlights_published_at is None:
        return []
    return [r.highlights for r in highlights_for_review(campaign) if r.highlights_published]


def publish_highlights(actor: User, campaign: Campaign, response_ids: set[int]) -> int:
    if campaign.status != CampaignStatus.CLOSED:
        raise CensusError(_l("Les faits saillants se publient une fois le recensement fermé."))
    chosen = 0
    for response in highlights_for_review(campaign):
        response.highlights_published = response.id in response_ids
        chosen += response.highlights_published
    campaign.highlights_published_at = utcnow() if chosen else None
    campaign.touch()
    db.session.flush()
    return chosen


def save_threshold(actor: User, k: int) -> CensusSettings:
    low, high = K_RANGE
    if not low <= k <= high:
        raise CensusError(_l("Le seuil est un nombre entier de %(low)s à %(high)s.", low=low, high=high))
    row = db.session.get(CensusSettings, 1)
    if row is None:
        row = CensusSettings(id=1)
        db.session.add(row)
    row.min_count = k
    row.updated_by_id = actor.id
    db.session.flush()
    return row


def campaigns_for(user: User) -> list[Campaign]:
    query = sa.select(Campaign).order_by(Campaign.starts_on.desc(), Campaign.id.desc())
    if not policy.can_manage(user):
        query = query.where(Campaign.status != CampaignStatus.DRAFT)
    return list(db.session.scalars(query))


def past_campaigns() -> list[Campaign]:
    return list(
        db.session.scalars(sa.select(Campaign).order_by(Campaign.starts_on.desc(), Campaign.id.desc()))
    )
