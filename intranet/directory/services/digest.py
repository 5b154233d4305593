"""Digests: new and updated shared resources in the regions a member follows.

A resource has several regions, or covers the whole province, or works at a distance: the item
carries no single region, so this source applies the member's regions itself (``interests="none"``
for the digest builder). A province-wide or remote resource concerns every region.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from ... import events
from ...accounts.models import User
from ...extensions import db
from ...notifications.interests import Interests
from ...notifications.models import NotificationPreference
from .. import vocab
from ..models import Resource, ResourceRegion, ResourceStatus

LIMIT = 20


def _changed_since(since: datetime) -> list[tuple]:
    """(id, name, provider, updated_at, province-wide, region ids) of resources changed since."""
    rows = db.session.execute(
        sa.select(Resource.id, Resource.name, Resource.provider, Resource.updated_at, Resource.coverage)
        .where(Resource.status == ResourceStatus.PUBLISHED, Resource.updated_at > since)
        .order_by(Resource.updated_at.desc(), Resource.id.desc())
        .limit(500)
    ).all()
    regions: dict[int, set[int]] = {}
    if rows:
        for resource_id, region_id in db.session.execute(
            sa.select(ResourceRegion.resource_id, ResourceRegion.region_id).where(
                ResourceRegion.resource_id.in_([r.id for r in rows])
            )
        ):
            regions.setdefault(resource_id, set()).add(region_id)
    return [
        (
            r.id,
            r.name,
            r.provider,
            r.updated_at,
            r.coverage != vocab.Coverage.REGIONS,
            regions.get(r.id, set()),
        )
        for r in rows
    ]


def _item(resource_id: int, name: str, provider: str, when: datetime) -> events.DigestItem:
    return events.DigestItem(
        kind="resource",
        title=name,
        endpoint="directory.resource",
        values={"resource_id": resource_id},
        organization_name=provider or None,
        when=when,
    )


def _for(interests: Interests, since: datetime, found: list[tuple]) -> list[events.DigestItem]:
    items = []
    for resource_id, name, provider, when, everywhere, region_ids in found:
        if when <= since:
            continue
        if not everywhere and interests.region_ids is not None and not (region_ids & interests.region_ids):
            continue
        items.append(_item(resource_id, name, provider, when))
        if len(items) >= LIMIT:
            break
    return items


def collect(user: User, since: datetime) -> list[events.DigestItem]:
    pref = db.session.get(NotificationPreference, user.id)
    return _for(Interests.of(user, pref), since, _changed_since(since))


def collect_many(requests: Sequence[tuple]) -> dict[int, list[events.DigestItem]]:
    requests = list(requests)
    if not requests:
        return {}
    found = _changed_since(min(since for _user, since in requests))
    prefs = {
        p.user_id: p
        for p in db.session.scalars(
            sa.select(NotificationPreference).where(
                NotificationPreference.user_id.in_([u.id for u, _s in requests])
            )
        )
    }
    return {user.id: _for(Interests.of(user, prefs.get(user.id)), since, found) for user, since in requests}
