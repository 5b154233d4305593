"""A burst of emails about one object to one person leaves as one (issue 17).

The first email of a burst waits in the outbox for ``EMAIL_COALESCE_SECONDS``; while it waits,
the next one with the same key (kind, person, object) takes its place instead of adding a row:
the body says the latest state, and ``coalesced`` counts the events it stands for. The window is
not moved by later events, so a long burst still leaves a message every few minutes at most.
A waiting message is not due, so no worker can claim it while it is being replaced; the
scheduler's ``flush_outbox`` sends it once the window has passed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import current_app

from ..database import is_sqlite, utcnow
from ..extensions import db
from .models import MailStatus, OutboxMessage

if TYPE_CHECKING:
    from .services.composing import RenderedEmail


def waiting(key: str) -> OutboxMessage | None:
    """The message of ``key`` still inside its window, locked for the caller's transaction."""
    query = sa.select(OutboxMessage).where(
        OutboxMessage.coalesce_key == key,
        OutboxMessage.status == MailStatus.PENDING,
        OutboxMessage.attempts == 0,
        OutboxMessage.next_attempt_at > utcnow(),
    )
    if not is_sqlite():
        query = query.with_for_update()
    return db.session.scalars(query.order_by(OutboxMessage.id.desc()).limit(1)).first()


def merge(message: OutboxMessage, rendered: RenderedEmail, headers: dict[str, str] | None) -> OutboxMessage:
    """The newer email replaces the waiting one's envelope and body; the window stays."""
    message.subject = rendered.subject
    message.sender_name = rendered.sender_name
    message.body_text = rendered.body_text
    message.body_html = rendered.body_html
    if headers:
        message.headers = dict(headers)
    message.coalesced += 1
    db.session.flush()
    return message


def hold(
    key: str,
    render: Callable[[int], RenderedEmail],
    *,
    to: str,
    kind: str,
    user_id: int | None = None,
    headers: dict[str, str] | None = None,
    attachments: Iterable[tuple[str, str, bytes]] = (),
    dedupe_key: str | None = None,
) -> OutboxMessage:
    """Queue the email ``render(events)`` under ``key``: it replaces the one still waiting, or
    waits itself (the rest: what ``services.store_email`` takes besides the rendering)."""
    from .services.outbox import store_email  # cycle: the outbox imports this module

    pending = waiting(key)
    rendered = render(pending.coalesced + 1 if pending is not None else 1)
    if pending is not None:
        return merge(pending, rendered, headers)
    # Not delivered now: the scheduler's flush_outbox sends it once the window has passed.
    message = store_email(
        rendered,
        to=to,
        kind=kind,
        user_id=user_id,
        headers=headers,
        attachments=attachments,
        dedupe_key=dedupe_key,
        deliver=False,
        flush=False,
    )
    message.coalesce_key = key
    message.coalesced = 1
    message.next_attempt_at = utcnow() + timedelta(seconds=int(current_app.config["EMAIL_COALESCE_SECONDS"]))
    db.session.flush()
    return message
