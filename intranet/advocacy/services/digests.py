"""The digests' sources (texts open for co-signing, texts waiting for a review) and an
organization's co-signed texts (its directory profile)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ... import events
from ...accounts.models import User
from ...database import utcnow
from ...extensions import db
from .. import policy
from ..models import Cosignature, Position, Status


def _cosigning_query(today):
    """Texts open for co-signing, the closest deadline first."""
    return (
        sa.select(Position)
        .where(
            Position.cosign_open.is_(True),
            Position.status.in_([Status.APPROVED, Status.PUBLISHED]),
            sa.or_(Position.cosign_closes_on.is_(None), Position.cosign_closes_on >= today),
        )
        .order_by(Position.cosign_closes_on, Position.id)
    )


COSIGN_LIMIT = 20


def collect_cosigning(user: User, since: datetime) -> list[events.DigestItem]:
    """Texts opened for co-signing that this coordinator's organization has not signed yet."""
    if not user.is_coordinator_of(user.organization_id):
        return []
    today = utcnow().date()
    signed = sa.select(Cosignature.position_id).where(
        Cosignature.organization_id == user.organization_id, Cosignature.withdrawn_at.is_(None)
    )
    rows = db.session.scalars(
        _cosigning_query(today)
        .where(
            Position.organization_id != user.organization_id,
            Position.id.not_in(signed),
            Position.updated_at >= since,
        )
        .limit(COSIGN_LIMIT)
    )
    return [_position_item(p) for p in rows if policy.can_view(user, p)]


def collect_cosigning_many(requests) -> dict[int, list[events.DigestItem]]:
    """``collect_cosigning(user, since)`` for each ``(user, since)`` of a chunk.

    The open texts are the same for everybody: read once (since the chunk's oldest ``since``),
    with the signatures of the chunk's coordinators' organizations. Then, for each coordinator,
    as ``collect_cosigning`` does in SQL: not their organization's texts, not those it signed,
    updated since their ``since``, ``COSIGN_LIMIT`` of them in the same order, and of those, the
    ones ``policy.can_view`` lets them see. Members who are not coordinators get nothing.
    """
    requests = list(requests)
    found: dict[int, list[events.DigestItem]] = {user.id: [] for user, _since in requests}
    coordinators = [(user, since) for user, since in requests if user.is_coordinator_of(user.organization_id)]
    if not coordinators:
        return found
    oldest = min(since for _user, since in coordinators)
    positions = list(
        db.session.scalars(_cosigning_query(utcnow().date()).where(Position.updated_at >= oldest))
    )
    signed: dict[int, set[int]] = {user.organization_id: set() for user, _since in coordinators}
    if positions:
        for organization_id, position_id in db.session.execute(
            sa.select(Cosignature.organization_id, Cosignature.position_id).where(
                Cosignature.organization_id.in_(list(signed)),
                Cosignature.position_id.in_([p.id for p in positions]),
                Cosignature.withdrawn_at.is_(None),
            )
        ):
            signed[organization_id].add(position_id)
    items: dict[int, events.DigestItem] = {}
    for user, since in coordinators:
        own = user.organization_id
        rows = [
            p
            for p in positions
            if p.organization_id != own and p.id not in signed[own] and p.updated_at >= since
        ][:COSIGN_LIMIT]
        found[user.id] = [items.setdefault(p.id, _position_item(p)) for p in rows if policy.can_view(user, p)]
    return found


def _position_item(p: Position, kind: str = "cosign") -> events.DigestItem:
    """A text in a digest: open for co-signing ("cosign") or waiting for a review ("review")."""
    return events.DigestItem(
        kind=kind,
        title=p.title,
        endpoint="advocacy.show",
        values={"position_id": p.id},
        summary=p.summary[:300] or None,
        organization_name=p.organization.name,
        when=p.updated_at,
        theme_ids=tuple(t.id for t in p.themes),
    )


def collect_review(user: User, since: datetime) -> list[events.DigestItem]:
    """For the staff: texts waiting for a review (submitted or submitted again)."""
    if not user.is_staff:
        return []
    rows = db.session.scalars(
        sa.select(Position)
        .where(Position.status.in_([Status.SUBMITTED, Status.RESUBMITTED]), Position.updated_at >= since)
        .order_by(Position.updated_at)
        .limit(50)
    )
    return [_position_item(p, "review") for p in rows]


def cosigned_by(organization_id: int, limit: int = 5) -> list[Position]:
    """Published positions an organization co-signed (and did not withdraw from), newest first."""
    return list(
        db.session.scalars(
            sa.select(Position)
            .join(Cosignature, Cosignature.position_id == Position.id)
            .where(
                Cosignature.organization_id == organization_id,
                Cosignature.withdrawn_at.is_(None),
                Position.status == Status.PUBLISHED,
            )
            .order_by(Position.published_at.desc())
            .limit(limit)
        ).unique()
    )
