"""What of the spaces can be redacted (``intranet.redaction``): a post, with its earlier versions
(and, through the registry's copies, the emails and notifications that quoted it)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..redaction.registry import RedactableKind, register_kind
from . import policy, services
from .models import Post, PostRevision


def _revisions(post: Post) -> list:
    rows = db.session.scalars(sa.select(PostRevision).where(PostRevision.post_id == post.id)).all()
    return [(row, ("body",)) for row in rows]


def register(app: Flask) -> None:
    register_kind(
        app,
        RedactableKind(
            kind="space_post",
            model=Post,
            fields=("body",),
            label=_l("Message d’une discussion"),
            can_view=lambda user, post: policy.can_read(user, post.thread.space),
            authors=lambda post: {post.author_id},
            organization_id=lambda post: post.author.organization_id if post.author else None,
            back=lambda post: url_for(
                "spaces.thread",
                thread_id=post.thread_id,
                page=(post.number - 1) // services.POSTS_PER_PAGE + 1,
                _anchor=f"m{post.number}",
            ),
            description=lambda post: _(
                "Message n° %(n)s de « %(title)s »", n=post.number, title=post.thread.title
            ),
            related=_revisions,
        ),
    )
