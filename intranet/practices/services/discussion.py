"""The discussion under a practice: comments, « cela m’a été utile », bookmarks."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ... import events
from ...accounts.models import User
from ...database import utcnow
from ...extensions import db
from .. import policy
from ..models import Practice, PracticeBookmark, PracticeComment, PracticeHelpfulMark
from .common import PracticeError


def add_comment(user: User, practice: Practice, body: str) -> PracticeComment:
    if not policy.can_discuss(user, practice):
        raise PracticeError(_l("Les commentaires sont fermés sur cette pratique."))
    comment = PracticeComment(practice_id=practice.id, author_id=user.id, body=body.strip())
    db.session.add(comment)
    db.session.execute(
        sa.update(Practice).where(Practice.id == practice.id).values(comment_count=Practice.comment_count + 1)
    )
    db.session.flush()
    db.session.refresh(practice, ["comment_count"])
    if practice.author_id and practice.author_id != user.id:
        events.notify.send(
            None,
            user_ids=[practice.author_id],
            kind="practice_comment",
            title=practice.title,
            endpoint="practices.show",
            values={"practice_id": practice.id},
            actor_id=user.id,
            organization_id=practice.organization_id,
        )
    return comment


def edit_comment(user: User, comment: PracticeComment, body: str) -> PracticeComment:
    if not policy.can_change_comment(user, comment):
        raise PracticeError(_l("Vous ne pouvez pas modifier ce commentaire."))
    comment.body = body.strip()
    comment.edited_at = utcnow()
    db.session.flush()
    return comment


def delete_comment(user: User, comment: PracticeComment) -> None:
    if not policy.can_change_comment(user, comment):
        raise PracticeError(_l("Vous ne pouvez pas supprimer ce commentaire."))
    practice_id = comment.practice_id
    db.session.delete(comment)
    db.session.execute(
        sa.update(Practice)
        .where(Practice.id == practice_id, Practice.comment_count > 0)
        .values(comment_count=Practice.comment_count - 1)
    )
    db.session.flush()


def comments(practice: Practice) -> list[PracticeComment]:
    return list(
        db.session.scalars(
            sa.select(PracticeComment)
            .where(PracticeComment.practice_id == practice.id)
            .order_by(PracticeComment.created_at, PracticeComment.id)
        )
    )


def toggle_helpful(user: User, practice: Practice) -> bool:
    """Mark or unmark « cela m’a été utile »; returns whether it is now marked."""
    if not policy.can_discuss(user, practice):
        raise PracticeError(_l("Cette pratique n’est pas publiée."))
    mark = db.session.get(PracticeHelpfulMark, (practice.id, user.id))
    delta = -1 if mark else 1
    if mark:
        db.session.delete(mark)
    else:
        db.session.add(PracticeHelpfulMark(practice_id=practice.id, user_id=user.id))
    db.session.flush()
    db.session.execute(
        sa.update(Practice)
        .where(Practice.id == practice.id)
        .values(helpful_count=Practice.helpful_count + delta)
    )
    db.session.refresh(practice, ["helpful_count"])
    return mark is None


def toggle_bookmark(user: User, practice: Practice) -> bool:
    if not policy.can_view(user, practice):
        raise PracticeError(_l("Cette pratique n’est pas disponible."))
    mark = db.session.get(PracticeBookmark, (practice.id, user.id))
    if mark:
        db.session.delete(mark)
    else:
        db.session.add(PracticeBookmark(practice_id=practice.id, user_id=user.id))
    db.session.flush()
    return mark is None


def marks_of(user: User, practice: Practice) -> dict[str, bool]:
    return {
        "helpful": db.session.get(PracticeHelpfulMark, (practice.id, user.id)) is not None,
        "bookmarked": db.session.get(PracticeBookmark, (practice.id, user.id)) is not None,
    }
