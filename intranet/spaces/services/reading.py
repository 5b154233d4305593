"""Reading a thread: a page of posts (by default the one holding the first unread), how far the
person read, and whether they follow it."""

from __future__ import annotations

import math
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ...accounts.models import User
from ...extensions import db
from ..models import Post, Thread, ThreadReader
from .common import SpaceError, reader_of

POSTS_PER_PAGE = 30
WATCHES = ("following", "muted", "")


@dataclass(frozen=True)
class ThreadPage:
    posts: list[Post]
    page: int
    pages: int
    first_unread: int | None  # the number of the first post new since the last visit


def thread_page(user: User, thread: Thread, page: int | None) -> ThreadPage:
    """A page of posts; without a page asked, the one holding the first unread post."""
    reader = db.session.scalar(
        sa.select(ThreadReader).where(ThreadReader.thread_id == thread.id, ThreadReader.user_id == user.id)
    )
    last_read = reader.last_read_number if reader else 0
    first_unread = last_read + 1 if last_read < thread.post_count else None
    pages = max(1, math.ceil(thread.post_count / POSTS_PER_PAGE))
    if page is None:
        page = (first_unread - 1) // POSTS_PER_PAGE + 1 if first_unread and last_read else 1
    page = min(max(1, page), pages)
    low = (page - 1) * POSTS_PER_PAGE
    posts = list(
        db.session.scalars(
            sa.select(Post)
            .options(selectinload(Post.author))
            .where(Post.thread_id == thread.id, Post.number > low, Post.number <= low + POSTS_PER_PAGE)
            .order_by(Post.number)
        )
    )
    return ThreadPage(posts, page, pages, first_unread)


def mark_read(user: User, thread: Thread, upto: int) -> None:
    reader = reader_of(user, thread)
    if upto > reader.last_read_number:
        reader.last_read_number = min(upto, thread.post_count)
        db.session.flush()


def watch_of(user: User, thread: Thread) -> str:
    return (
        db.session.scalar(
            sa.select(ThreadReader.watch).where(
                ThreadReader.thread_id == thread.id, ThreadReader.user_id == user.id
            )
        )
        or ""
    )


def set_watch(user: User, thread: Thread, watch: str) -> None:
    if watch not in WATCHES:
        raise SpaceError(_l("Choix inconnu."))
    reader_of(user, thread).watch = watch
    db.session.flush()
