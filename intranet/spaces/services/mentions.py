"""« @Prénom Nom » in a post: who is named among the space's readers, and telling them."""

from __future__ import annotations

import re

import sqlalchemy as sa

from ... import events
from ...accounts.models import User
from ...extensions import db
from ...text import fold
from .. import policy
from ..models import Post, Space

_MENTION = re.compile(r"(?<![\w@])@([^\W\d_][\w’'-]*(?:[ \t]+[^\W\d_][\w’'-]*){0,3})")


def mentioned_readers(text: str, space: Space) -> list[User]:
    """People named « @Prénom Nom » who can read the space (a name of up to four words)."""
    wanted: set[str] = set()
    for match in _MENTION.finditer(text or ""):
        words = fold(match.group(1)).split()
        wanted.update(" ".join(words[:n]) for n in range(1, len(words) + 1))
    if not wanted:
        return []
    firsts = {w.split()[0] for w in wanted}
    candidates = db.session.scalars(
        sa.select(User).where(
            User.active, User.closed_at.is_(None), sa.or_(*[User.name.ilike(f"{f[:3]}%") for f in firsts])
        )
    )
    found = [u for u in candidates if fold(u.name) in wanted and len(fold(u.name).split()) >= 2]
    return [u for u in found if policy.can_read(u, space)]


def notify_mentions(actor: User, post: Post) -> list[User]:
    people = [u for u in mentioned_readers(post.body, post.thread.space) if u.id != actor.id]
    if people:
        events.notify.send(
            None,
            user_ids=[u.id for u in people],
            kind="space_mention",
            title=post.thread.title,
            endpoint="spaces.thread",
            values={"thread_id": post.thread_id},
            actor_id=actor.id,
            organization_id=actor.organization_id,
        )
    return people
