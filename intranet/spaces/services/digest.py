"""What the spaces give the digest: new discussions at the tables where a member's organization sits."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ... import events
from ...accounts.models import User
from ...extensions import db
from ..models import Thread
from .seats import seats_of


def digest_items(user: User, since) -> list[events.DigestItem]:
    """New discussions at the tables where the member's organization sits (not their own)."""
    return digest_items_many([(user, since)])[user.id]


def digest_items_many(members) -> dict[int, list[events.DigestItem]]:
    """The same for a chunk of members, in two queries whatever its size: the spaces where their
    organizations sit, then the threads opened there since the earliest date asked."""
    if not members:
        return {}
    spaces_of = seats_of({user.organization_id for user, _since in members})
    seated = set().union(*spaces_of.values()) if spaces_of else set()
    earliest = min(since for _user, since in members)
    threads = (
        list(
            db.session.scalars(
                sa.select(Thread)
                .options(selectinload(Thread.space), selectinload(Thread.author))
                .where(Thread.space_id.in_(seated), Thread.created_at > earliest)
                .order_by(Thread.created_at.desc())
            )
        )
        if seated
        else []
    )
    found: dict[int, list[events.DigestItem]] = {}
    for user, since in members:
        mine = spaces_of.get(user.organization_id, set())
        found[user.id] = [
            events.DigestItem(
                kind="space_thread",
                title=thread.title,
                endpoint="spaces.thread",
                values={"thread_id": thread.id},
                organization_name=thread.space.name,
                person_name=thread.author.name if thread.author else None,
                when=thread.created_at,
                region_id=thread.space.region_id,
            )
            for thread in threads
            if thread.space_id in mine and thread.created_at > since and thread.author_id != user.id
        ][:20]
    return found
