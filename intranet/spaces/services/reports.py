"""Reporting a post to the space's facilitators, and their list of open reports."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ... import events
from ...accounts.models import User
from ...database import utcnow
from ...extensions import db
from .. import policy
from ..models import Post, PostReport, Space, Thread
from .common import SpaceError
from .seats import facilitators


def report(actor: User, post: Post, reason: str) -> PostReport:
    if not policy.can_read(actor, post.thread.space):
        raise SpaceError(_l("Message introuvable."))
    item = PostReport(post_id=post.id, reporter_id=actor.id, reason=reason.strip())
    db.session.add(item)
    db.session.flush()
    managers = {f.user_id for f in facilitators(post.thread.space)}
    if managers:
        events.notify.send(
            None,
            user_ids=sorted(managers),
            kind="space_report",
            title=post.thread.title,
            endpoint="spaces.reports",
            values={"space_id": post.thread.space_id},
            actor_id=actor.id,
        )
    return item


def open_reports(space: Space) -> list[PostReport]:
    return list(
        db.session.scalars(
            sa.select(PostReport)
            .join(Post, Post.id == PostReport.post_id)
            .join(Thread, Thread.id == Post.thread_id)
            .where(Thread.space_id == space.id, PostReport.resolved_at.is_(None))
            .order_by(PostReport.created_at)
        )
    )


def resolve_report(actor: User, item: PostReport) -> None:
    if not policy.can_manage(actor, item.post.thread.space):
        raise SpaceError(_l("Vous ne gérez pas cet espace."))
    item.resolved_at = utcnow()
    item.resolved_by_id = actor.id
    db.session.flush()
