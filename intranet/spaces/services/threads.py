"""A space's discussions: the list with each reader's unread counts, opening a thread, replying
(numbering posts under the thread's lock, then telling who follows or is named)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ... import events
from ...accounts.models import User
from ...database import utcnow
from ...extensions import db
from .. import policy, replies
from ..models import Post, Space, Thread, ThreadReader
from .common import SpaceError, reader_of
from .mentions import notify_mentions

THREADS_ON_HOME = 10


@dataclass(frozen=True)
class ThreadLine:
    thread: Thread
    unread: int


THREADS_PER_PAGE = 30


@dataclass(frozen=True)
class ThreadList:
    lines: list[ThreadLine]
    page: int
    pages: int


def thread_list(user: User, space: Space, page: int = 1) -> ThreadList:
    """One page of the space's discussions, the latest active first, with this reader's unread counts."""
    total = db.session.scalar(sa.select(sa.func.count(Thread.id)).where(Thread.space_id == space.id)) or 0
    pages = max(1, math.ceil(total / THREADS_PER_PAGE))
    page = min(max(1, page), pages)
    return ThreadList(
        recent_threads(user, space, THREADS_PER_PAGE, offset=(page - 1) * THREADS_PER_PAGE), page, pages
    )


def recent_threads(
    user: User, space: Space, limit: int | None = THREADS_ON_HOME, offset: int = 0
) -> list[ThreadLine]:
    read = (
        sa.select(ThreadReader.thread_id, ThreadReader.last_read_number)
        .where(ThreadReader.user_id == user.id)
        .subquery()
    )
    query = (
        sa.select(Thread, sa.func.coalesce(read.c.last_read_number, 0))
        .outerjoin(read, read.c.thread_id == Thread.id)
        .where(Thread.space_id == space.id)
        .order_by(Thread.last_post_at.desc(), Thread.id.desc())
    )
    if limit:
        query = query.limit(limit).offset(offset)
    return [
        ThreadLine(thread, max(0, thread.post_count - last)) for thread, last in db.session.execute(query)
    ]


def start_thread(actor: User, space: Space, *, title: str, body: str) -> Thread:
    if not policy.can_post(actor, space):
        raise SpaceError(_l("Seules les organisations membres de l’espace y ouvrent des discussions."))
    now = utcnow()
    thread = Thread(
        space_id=space.id, title=title.strip(), author_id=actor.id, created_at=now, last_post_at=now
    )
    db.session.add(thread)
    db.session.flush()
    post = _add_post(actor, thread, body)
    reader = reader_of(actor, thread)
    reader.watch = "following"
    reader.last_read_number = post.number
    replies.email_post(post, notify_mentions(actor, post))
    db.session.flush()
    return thread


def reply(actor: User, thread: Thread, body: str) -> Post:
    if not policy.can_post(actor, thread.space):
        raise SpaceError(_l("Seules les organisations membres de l’espace y répondent."))
    post = _add_post(actor, thread, body)
    reader = reader_of(actor, thread)
    if reader.watch == "":
        reader.watch = "following"  # one follows what one took part in, as in Discourse
    reader.last_read_number = post.number
    mentioned = notify_mentions(actor, post)
    followers = db.session.scalars(
        sa.select(User)
        .join(ThreadReader, ThreadReader.user_id == User.id)
        .where(ThreadReader.thread_id == thread.id, ThreadReader.watch == "following", User.id != actor.id)
    ).all()
    to_tell = [u for u in followers if u not in mentioned]
    if to_tell:
        events.notify.send(
            None,
            user_ids=[u.id for u in to_tell],
            kind="space_reply",
            title=thread.title,
            endpoint="spaces.thread",
            values={"thread_id": thread.id},
            actor_id=actor.id,
            organization_id=actor.organization_id,
        )
    replies.email_post(post, mentioned + to_tell)
    db.session.flush()
    return post


def _add_post(actor: User, thread: Thread, body: str) -> Post:
    # The thread row is the lock that numbers posts (SQLite: the request's write intent).
    locked = db.session.execute(
        sa.select(Thread).where(Thread.id == thread.id).with_for_update()
    ).scalar_one()
    number = locked.post_count + 1
    now = utcnow()
    post = Post(thread_id=thread.id, number=number, author_id=actor.id, body=body.strip(), created_at=now)
    db.session.add(post)
    locked.post_count = number
    locked.last_post_at = now
    db.session.flush()
    return post
