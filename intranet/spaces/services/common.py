"""What the spaces' services share: the refusal they raise, and a reader's row on a thread."""

from __future__ import annotations

import sqlalchemy as sa

from ...accounts.models import User
from ...extensions import db
from ..models import Thread, ThreadReader


class SpaceError(Exception):
    """A rule refused the change; the message is for the person."""


def reader_of(user: User, thread: Thread) -> ThreadReader:
    """The person's reading row on the thread (how far they read, whether they follow it), made
    when missing."""
    reader = db.session.scalar(
        sa.select(ThreadReader).where(ThreadReader.thread_id == thread.id, ThreadReader.user_id == user.id)
    )
    if reader is None:
        reader = ThreadReader(thread_id=thread.id, user_id=user.id, last_read_number=0, watch="")
        db.session.add(reader)
    return reader
