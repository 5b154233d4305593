"""One post: changing it (earlier texts kept as revisions), removing it for good, its revisions,
and quoting it in a reply."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...accounts.models import User
from ...database import utcnow
from ...extensions import db
from .. import policy
from ..models import Post, PostRevision
from .common import SpaceError


def edit_post(actor: User, post: Post, body: str) -> None:
    if not policy.can_edit_post(actor, post):
        raise SpaceError(_l("Vous ne pouvez pas modifier ce message."))
    if body.strip() == post.body:
        return
    db.session.add(
        PostRevision(post_id=post.id, body=post.body, written_at=post.edited_at or post.created_at)
    )
    post.body = body.strip()
    post.edited_at = utcnow()
    db.session.flush()


def delete_post(actor: User, post: Post) -> None:
    """The text goes for good, its earlier versions too; the post's place stays, marked removed."""
    if not policy.can_edit_post(actor, post):
        raise SpaceError(_l("Vous ne pouvez pas retirer ce message."))
    db.session.execute(sa.delete(PostRevision).where(PostRevision.post_id == post.id))
    post.body = ""
    post.deleted_at = utcnow()
    db.session.flush()


def revisions(post: Post) -> list[PostRevision]:
    return list(
        db.session.scalars(
            sa.select(PostRevision)
            .where(PostRevision.post_id == post.id)
            .order_by(PostRevision.written_at.desc())
        )
    )


def quote(post: Post) -> str:
    """The post as a Markdown quotation, to start a reply with."""
    if post.deleted_at:
        return ""
    author = post.author.name if post.author else ""
    lines = [f"> {line}" if line else ">" for line in post.body.splitlines()]
    return (f"> **{author}** :\n" if author else "") + "\n".join(lines) + "\n\n"
