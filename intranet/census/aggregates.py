"""The results of a campaign: every figure any page, chart, CSV or PDF displays comes from here.

``results(campaign)`` reads the closed campaign's sums by question, breakdown category and region
(``Total``, written by one GROUP BY when it closed), builds the cells and their relations (regions
add up to the network, categories to their question, parts to their question), and hands them to
``suppression.suppress``. What leaves this module is ``Shown`` cells only: a hidden figure is never
in the output, so no template can print it by mistake.

Results are computed once per campaign revision and network threshold (the campaign's random
``revision`` changes with every answer or status change) and kept in a small in-process cache.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app

from ..accounts.models import Region
from ..extensions import db
from .models import Campaign, CampaignStatus, CensusSettings, Question, Response, ResponseStatus, Total, Value
from .suppression import DEFAULT_K, Cell, Relation, Shown, suppress

NETWORK = 0  # the region key of the network's cells
CACHE_SIZE = 32


@dataclass(frozen=True)
class QuestionResult:
    id: int
    key: str
    label: str
    definition: str
    breakdown: str | None
    parent_id: int | None
    categories: tuple[str, ...]
    network: Shown
    by_region: dict[int, Shown]
    by_category: dict[str, Shown]  # the network's figure per category
    grid: dict[tuple[int, str], Shown]  # (region id, category)


@dataclass(frozen=True)
class Results:
    campaign_id: int
    k: int
    regions: tuple[tuple[int, str], ...]
    respondents: int
    questions: tuple[QuestionResult, ...]
    by_id: dict[int, QuestionResult] = field(repr=False)

    def question(self, question_id: int) -> QuestionResult | None:
        return self.by_id.get(question_id)

    def by_key(self, key: str) -> QuestionResult | None:
        return next((q for q in self.questions if q.key == key), None)


def threshold() -> int:
    """k, the network's smallest figure shown (``CensusSettings``, else 5)."""
    row = db.session.get(CensusSettings, 1)
    return row.min_count if row is not None else DEFAULT_K


def _cache() -> OrderedDict:
    return current_app.extensions.setdefault("census_results", OrderedDict())


def results(campaign: Campaign) -> Results:
    k = threshold()
    key = (campaign.id, campaign.revision, k)
    cache = _cache()
    found = cache.get(key)
    if found is not None:
        cache.move_to_end(key)
        return found
    computed = compute(campaign, k)
    cache[key] = computed
    while len(cache) > CACHE_SIZE:
        cache.popitem(last=False)
    return computed


def store_totals(campaign: Campaign) -> None:
    """Write the campaign's sums (``Total``) from its submitted figures, in the database itself;
    called when it closes, so that the results never read one organization's figures again."""
    db.session.execute(sa.delete(Total).where(Total.campaign_id == campaign.id))
    grouped = (
        sa.select(
            sa.literal(campaign.id),
            Value.question_id,
            Response.region_id,
            Value.category,
            sa.func.sum(Value.value),
            sa.func.sum(sa.case((Value.value > 0, 1), else_=0)),
        )
        .join(Response, Response.id == Value.response_id)
        .where(Response.campaign_id == campaign.id, Response.status == ResponseStatus.SUBMITTED)
        .group_by(Value.question_id, Response.region_id, Value.category)
    )
    db.session.execute(
        sa.insert(Total).from_select(
            ["campaign_id", "question_id", "region_id", "category", "total", "positive"], grouped
        )
    )


def drop_totals(campaign: Campaign) -> None:
    db.session.execute(sa.delete(Total).where(Total.campaign_id == campaign.id))


def compute(campaign: Campaign, k: int) -> Results:
    """Suppress the closed campaign's sums; no figure of a single organization leaves here."""
    questions = db.session.scalars(
        sa.select(Question)
        .where(Question.campaign_id == campaign.id)
        .order_by(Question.position, Question.id)
    ).all()
    asked_regions = db.session.execute(
        sa.select(Region.id, Region.name)
        .where(Region.id.in_(sa.select(Response.region_id).where(Response.campaign_id == campaign.id)))
        .order_by(Region.name)
    ).all()
    respondents = dict(
        db.session.execute(
            sa.select(Response.region_id, sa.func.count())
            .where(Response.campaign_id == campaign.id, Response.status == ResponseStatus.SUBMITTED)
            .group_by(Response.region_id)
        ).all()
    )
    sums: dict[tuple[int, int, str], tuple[int, int]] = {}
    rows = db.session.execute(
        sa.select(Total.question_id, Total.category, Total.region_id, Total.total, Total.positive).where(
            Total.campaign_id == campaign.id
        )
    )
    for question_id, category, region_id, total, positive in rows:
        sums[(question_id, region_id, category)] = (int(total), int(positive))

    region_ids = [r.id for r in asked_regions]
    network_respondents = sum(respondents.values())
    # The questions' columns read once (each ORM attribute read costs, and the loops below run
    # for every question, category and region).
    asked = [(q.id, q.parent_id, tuple(c for c, _label in q.categories)) for q in questions]
    cells: dict[Hashable, Cell] = {}  # keyed (question id, region id, category)
    relations: list[Relation] = []
    children: dict[int, list[int]] = {}
    for question_id, parent_id, _cats in asked:
        if parent_id is not None:
            children.setdefault(parent_id, []).append(question_id)
    regional = [(region_id, respondents.get(region_id, 0)) for region_id in region_ids]
    everywhere = [NETWORK, *region_ids]
    no_figure = (0, 0)
    for question_id, _parent_id, categories in asked:
        for category in ("", *categories):
            net_value = net_positive = 0
            for region_id, answered in regional:
                value, positive = sums.get((question_id, region_id, category), no_figure)
                cells[(question_id, region_id, category)] = Cell(value, answered, positive)
                net_value += value
                net_positive += positive
            cells[(question_id, NETWORK, category)] = Cell(net_value, network_respondents, net_positive)
            relations.append(
                Relation(
                    (question_id, NETWORK, category), tuple((question_id, r, category) for r in region_ids)
                )
            )
        if categories:
            for region_id in everywhere:
                relations.append(
                    Relation(
                        (question_id, region_id, ""), tuple((question_id, region_id, c) for c in categories)
                    )
                )
    for parent_id, parts in children.items():
        for region_id in everywhere:
            relations.append(Relation((parent_id, region_id, ""), tuple((p, region_id, "") for p in parts)))

    shown = suppress(cells, relations, k)
    results_list = []
    for q, (question_id, parent_id, cats) in zip(questions, asked, strict=True):
        results_list.append(
            QuestionResult(
                id=question_id,
                key=q.key,
                label=q.label,
                definition=q.definition,
                breakdown=q.breakdown,
                parent_id=parent_id,
                categories=cats,
                network=shown[(question_id, NETWORK, "")],
                by_region={r: shown[(question_id, r, "")] for r in region_ids},
                by_category={c: shown[(question_id, NETWORK, c)] for c in cats},
                grid={(r, c): shown[(question_id, r, c)] for r in region_ids for c in cats},
            )
        )
    return Results(
        campaign_id=campaign.id,
        k=k,
        regions=tuple((r.id, r.name) for r in asked_regions),
        respondents=network_respondents,
        questions=tuple(results_list),
        by_id={q.id: q for q in results_list},
    )


def history(campaign: Campaign, key: str, limit: int = 6) -> list[tuple[Campaign, Shown]]:
    """The network's figure for question ``key`` in the closed campaigns up to this one (oldest
    first), each from its own campaign's suppressed results."""
    campaigns = db.session.scalars(
        sa.select(Campaign)
        .join(Question, Question.campaign_id == Campaign.id)
        .where(
            Question.key == key,
            Campaign.status == CampaignStatus.CLOSED,
            Campaign.starts_on <= campaign.starts_on,
            Campaign.period == campaign.period,
        )
        .order_by(Campaign.starts_on.desc())
        .limit(limit)
    ).all()
    points = []
    for past in reversed(campaigns):
        found = results(past).by_key(key)
        if found is not None:
            points.append((past, found.network))
    return points
