"""Finding practices: the library's filters and pages (the words' search is ``..search``), related
practices, bookmarks, an organization's practices, revisions."""

from __future__ import annotations

import math
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ...accounts.models import Organization, Region, User
from ...database import is_sqlite
from ...extensions import db
from ...themes import services as theme_services
from ...themes.models import Theme
from .. import policy, search
from ..models import (
    Practice,
    PracticeBookmark,
    PracticeRevision,
    Status,
    Visibility,
    practice_approach,
    practice_sector,
    practice_theme,
)
from .common import COUNT_CAP, PER_PAGE


@dataclass
class Filters:
    q: str = ""
    theme_id: int | None = None
    approach: str | None = None
    sector: str | None = None
    region_id: int | None = None
    organization_id: int | None = None

    @property
    def active(self) -> bool:
        return any(
            [self.q.strip(), self.theme_id, self.approach, self.sector, self.region_id, self.organization_id]
        )

    def args(self) -> dict:
        values = {
            "q": self.q.strip() or None,
            "theme": self.theme_id,
            "approach": self.approach,
            "sector": self.sector,
            "region": self.region_id,
            "org": self.organization_id,
        }
        return {k: v for k, v in values.items() if v}


@dataclass
class ResultPage:
    items: list[Practice]
    total: int
    capped: bool
    page: int
    pages: int


# A page of practices with their themes in one more query (not one per practice).
WITH_THEMES = selectinload(Practice.themes)


def _conditions(user: User, filters: Filters) -> list:
    """Visibility (rule 3) and the filters, as conditions on Practice."""
    conditions = [policy.visible_clause(user)]
    if filters.theme_id:
        conditions.append(
            sa.exists().where(
                practice_theme.c.practice_id == Practice.id, practice_theme.c.theme_id == filters.theme_id
            )
        )
    if filters.approach:
        conditions.append(
            sa.exists().where(
                practice_approach.c.practice_id == Practice.id,
                practice_approach.c.approach == filters.approach,
            )
        )
    if filters.sector:
        conditions.append(
            sa.exists().where(
                practice_sector.c.practice_id == Practice.id, practice_sector.c.sector == filters.sector
            )
        )
    if filters.region_id:
        conditions.append(Practice.region_id == filters.region_id)
    if filters.organization_id:
        conditions.append(Practice.organization_id == filters.organization_id)
    return conditions


def find(user: User, filters: Filters, page: int = 1, per_page: int = PER_PAGE) -> ResultPage:
    """Visible published practices matching the filters, most recent first; with a query, the
    most relevant first (among the most recent matches: see ``search``), then the most recent."""
    conditions = _conditions(user, filters)
    if not is_sqlite():
        # Short, latency-bound queries: on a small server, starting parallel workers costs more
        # than it saves (this lasts until the end of the transaction).
        db.session.execute(sa.text("SET LOCAL max_parallel_workers_per_gather = 0"))
    if filters.q.strip():
        return _search(user, filters, conditions, page, per_page)
    stmt = sa.select(Practice).where(*conditions)
    counted = (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(
                stmt.with_only_columns(Practice.id).limit(COUNT_CAP + 1).subquery()
            )
        )
        or 0
    )
    capped = counted > COUNT_CAP
    total = min(counted, COUNT_CAP)
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    items = list(
        db.session.scalars(
            stmt.order_by(Practice.published_at.desc(), Practice.id.desc())
            .options(WITH_THEMES)
            .limit(per_page)
            .offset((page - 1) * per_page)
        ).unique()
    )
    return ResultPage(items=items, total=total, capped=capped, page=page, pages=pages)


def _search(user: User, filters: Filters, conditions: list, page: int, per_page: int) -> ResultPage:
    found = search.window(user, filters, conditions)
    capped = len(found) > COUNT_CAP
    found = found[:COUNT_CAP]
    total = len(found)
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    # The window comes most recent first: a stable sort on relevance keeps recency for ties.
    ordered = sorted(found, key=lambda row: row[1])
    ids = [pid for pid, _rank in ordered[(page - 1) * per_page : page * per_page]]
    loaded = {
        p.id: p
        for p in db.session.scalars(
            sa.select(Practice).where(Practice.id.in_(ids), *conditions).options(WITH_THEMES)
        ).unique()
    }
    items = [loaded[i] for i in ids if i in loaded]
    return ResultPage(items=items, total=total, capped=capped, page=page, pages=pages)


def related(user: User, practice: Practice, limit: int = 5) -> list[Practice]:
    """Visible practices sharing the most themes with this one, then the most recent."""
    theme_ids = [t.id for t in practice.themes]
    if not theme_ids:
        return []
    shared = (
        sa.select(practice_theme.c.practice_id.label("pid"), sa.func.count().label("n"))
        .where(practice_theme.c.theme_id.in_(theme_ids), practice_theme.c.practice_id != practice.id)
        .group_by(practice_theme.c.practice_id)
        .subquery()
    )
    return list(
        db.session.scalars(
            sa.select(Practice)
            .join(shared, shared.c.pid == Practice.id)
            .where(policy.visible_clause(user))
            .order_by(shared.c.n.desc(), Practice.published_at.desc())
            .limit(limit)
        ).unique()
    )


def bookmarked(user: User) -> list[Practice]:
    """« Ma sélection »: what this person kept and may still see."""
    items = list(
        db.session.scalars(
            sa.select(Practice)
            .join(
                PracticeBookmark,
                sa.and_(PracticeBookmark.practice_id == Practice.id, PracticeBookmark.user_id == user.id),
            )
            .where(policy.visible_clause(user))
            .order_by(PracticeBookmark.created_at.desc())
            .options(WITH_THEMES)
            .limit(200)
        ).unique()
    )
    return items


def organization_practices(user: User) -> list[Practice]:
    """Every practice of this person's organization, whatever its state."""
    items = list(
        db.session.scalars(
            sa.select(Practice)
            .where(Practice.organization_id == user.organization_id)
            .order_by(Practice.updated_at.desc())
            .options(WITH_THEMES)
            .limit(200)
        ).unique()
    )
    return items


def revisions(practice: Practice) -> list[PracticeRevision]:
    return list(
        db.session.scalars(
            sa.select(PracticeRevision)
            .where(PracticeRevision.practice_id == practice.id)
            .order_by(PracticeRevision.number.desc())
            .options(selectinload(PracticeRevision.editor))  # who wrote each, in one statement
        )
    )


def revision(practice: Practice, number: int) -> PracticeRevision | None:
    return db.session.scalar(
        sa.select(PracticeRevision).where(
            PracticeRevision.practice_id == practice.id, PracticeRevision.number == number
        )
    )


def filter_choices(user: User | None = None) -> dict:
    """What the filters offer: the themes and the organizations that have a practice to find
    (shared with the network, or the reader's own), and the regions: names only, never an
    address. Listing every member organization, or every theme of the network's list, would put
    options that find nothing in each page of the library."""
    findable = sa.and_(
        Practice.status == Status.PUBLISHED,
        sa.or_(
            Practice.visibility == Visibility.NETWORK,
            Practice.organization_id == (user.organization_id if user is not None else None),
        ),
    )
    # A probe per theme and per organization (a few dozen, by the indexes that start with them),
    # which stops at the first practice found: an IN over the findable practices read all of
    # them on SQLite, 200 ms a page with 100,000 practices.
    authored = sa.exists().where(Practice.organization_id == Organization.id, findable)
    carried = (
        sa.exists()
        .where(practice_theme.c.theme_id == Theme.id, findable)
        .where(Practice.id == practice_theme.c.practice_id)
    )
    return {
        "themes": theme_services.sort_by_label(db.session.scalars(sa.select(Theme).where(carried))),
        "regions": list(db.session.scalars(sa.select(Region).order_by(Region.name))),
        "organizations": list(
            db.session.execute(
                sa.select(Organization.id, Organization.name)
                .where(
                    Organization.active.is_(True),
                    Organization.is_network.is_(False),
                    authored,
                )
                .order_by(Organization.name)
            )
        ),
    }


def regions() -> list[Region]:
    """The regions a practice may name (the form's choices)."""
    return list(db.session.scalars(sa.select(Region).order_by(Region.name)))
