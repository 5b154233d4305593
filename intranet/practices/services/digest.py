"""The digest's source and the home page: new practices a member may see; and small reads other
features use (a PDF task's access, an organization's latest practices)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ... import events
from ...accounts.models import Organization, User
from ...extensions import db
from ...themes.models import Theme
from .. import policy
from ..models import Practice, Status, Visibility, practice_theme
from .finding import WITH_THEMES


def collect_digest(
    user: User, since: datetime, *, theme_ids=None, region_ids=None, limit: int = 20
) -> list[events.DigestItem]:
    """New or updated practices this member may see, optionally only on their themes/regions.

    The latest ``limit`` of each region (and of those without one): the digest then keeps the
    member's regions, so a region followed is never crowded out by busier ones.
    """
    where = [policy.visible_clause(user), Practice.published_at > since]
    if theme_ids:
        where.append(
            sa.exists().where(
                practice_theme.c.practice_id == Practice.id, practice_theme.c.theme_id.in_(list(theme_ids))
            )
        )
    if region_ids:
        where.append(Practice.region_id.in_(list(region_ids)))
    ranked = (
        sa.select(
            Practice.id,
            sa.func.row_number()
            .over(
                partition_by=Practice.region_id, order_by=(Practice.published_at.desc(), Practice.id.desc())
            )
            .label("rank"),
        )
        .where(*where)
        .subquery()
    )
    stmt = (
        sa.select(Practice)
        .join(ranked, ranked.c.id == Practice.id)
        .where(ranked.c.rank <= limit)
        .order_by(Practice.published_at.desc(), Practice.id.desc())
        .options(WITH_THEMES)
    )
    items = list(db.session.scalars(stmt).unique())
    return [
        _digest_item(
            p.id,
            p.title,
            p.summary,
            p.organization.name,
            p.published_at,
            p.region_id,
            tuple(t.id for t in p.themes),
        )
        for p in items
    ]


def collect_digest_many(requests, *, limit: int = 20) -> dict[int, list[events.DigestItem]]:
    """``collect_digest(user, since)`` for each ``(user, since)`` of a chunk, in two queries.

    What a member may see (``policy.visible_clause``) depends on their organization only: the
    practices published to the network, and their organization's own. So the chunk reads, since
    its oldest ``since``, the latest ``limit`` practices of the network and the latest ``limit``
    organization-only ones of each organization in the chunk, in each region (ranked apart by a
    window); each member's list is then their own organization's practices and the network's,
    since their own ``since``, the latest ``limit`` of each region: what ``collect_digest`` reads
    for them. Columns only, no
    mapped objects: a chunk reads a hundred practices or so and keeps none of them.
    """
    requests = list(requests)
    if not requests:
        return {}
    oldest = min(since for _user, since in requests)
    organizations = {user.organization_id for user, _since in requests}
    audience = sa.case((Practice.visibility == Visibility.NETWORK, None), else_=Practice.organization_id)
    ranked = (
        sa.select(
            Practice.id,
            sa.func.row_number()
            .over(
                partition_by=(audience, Practice.region_id),
                order_by=(Practice.published_at.desc(), Practice.id.desc()),
            )
            .label("rank"),
        )
        .where(
            Practice.status == Status.PUBLISHED,
            sa.or_(Practice.visibility == Visibility.NETWORK, Practice.organization_id.in_(organizations)),
            Practice.published_at > oldest,
        )
        .subquery()
    )
    rows = db.session.execute(
        sa.select(
            Practice.id,
            Practice.title,
            Practice.summary,
            Organization.name,
            Practice.published_at,
            Practice.region_id,
            Practice.organization_id,
            Practice.visibility,
        )
        .join(Organization, Organization.id == Practice.organization_id)
        .join(ranked, ranked.c.id == Practice.id)
        .where(ranked.c.rank <= limit)
        .order_by(Practice.published_at.desc(), Practice.id.desc())
    ).all()
    themes = _theme_ids([row.id for row in rows])
    # (published at, organization-only practice's organization or None, item), most recent first.
    found = [
        (
            row.published_at,
            None if row.visibility == Visibility.NETWORK else row.organization_id,
            _digest_item(
                row.id,
                row.title,
                row.summary,
                row.name,
                row.published_at,
                row.region_id,
                themes.get(row.id, ()),
            ),
        )
        for row in rows
    ]
    result = {}
    for user, since in requests:
        own = user.organization_id
        # visible_clause: published (all of them here), and network-wide or the member's own;
        # then the latest ``limit`` of each region, as collect_digest reads them.
        per_region: dict[int | None, int] = {}
        kept = []
        for when, org, item in found:
            if when > since and (org is None or org == own):
                seen = per_region.get(item.region_id, 0)
                if seen < limit:
                    per_region[item.region_id] = seen + 1
                    kept.append(item)
        result[user.id] = kept
    return result


def _theme_ids(practice_ids: list[int]) -> dict[int, tuple[int, ...]]:
    """Theme ids of practices, in the order of ``Practice.themes`` (by French name)."""
    if not practice_ids:
        return {}
    grouped: dict[int, list[int]] = {}
    for practice_id, theme_id in db.session.execute(
        sa.select(practice_theme.c.practice_id, Theme.id)
        .join(Theme, Theme.id == practice_theme.c.theme_id)
        .where(practice_theme.c.practice_id.in_(practice_ids))
        .order_by(Theme.name_fr)
    ):
        grouped.setdefault(practice_id, []).append(theme_id)
    return {practice_id: tuple(ids) for practice_id, ids in grouped.items()}


def _digest_item(practice_id, title, summary, organization_name, published_at, region_id, theme_ids):
    return events.DigestItem(
        kind="practice",
        title=title,
        endpoint="practices.show",
        values={"practice_id": practice_id},
        summary=summary,
        organization_name=organization_name,
        when=published_at,
        region_id=region_id,
        theme_ids=theme_ids,
    )


def home_context(user: User) -> dict:
    latest = list(
        db.session.scalars(
            sa.select(Practice)
            .where(policy.visible_clause(user))
            .order_by(Practice.published_at.desc(), Practice.id.desc())
            .limit(5)
        ).unique()
    )
    drafts = db.session.scalar(
        sa.select(sa.func.count(Practice.id)).where(
            Practice.organization_id == user.organization_id, Practice.status == Status.DRAFT
        )
    )
    return {"latest": latest, "drafts": drafts}


def can_still_see_pdf_task(task, user: User) -> bool:
    """A practice's PDF task (args: practice id, locale) is seen only by who may see the practice now."""
    practice = db.session.get(Practice, int(task.args[0])) if task.args else None
    return practice is not None and policy.can_view(user, practice)


def published_by_organization(user: User, organization_id: int, limit: int = 5) -> list[Practice]:
    """An organization's latest published practices that ``user`` may read (its directory profile)."""
    return list(
        db.session.scalars(
            sa.select(Practice)
            .where(Practice.organization_id == organization_id, policy.visible_clause(user))
            .order_by(Practice.published_at.desc(), Practice.id.desc())
            .limit(limit)
        ).unique()
    )
