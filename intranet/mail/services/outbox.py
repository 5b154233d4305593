"""Queueing an email: compose it for its recipient and write it to the outbox, in the caller's
transaction; delivery is asked for after the commit."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterable
from email.utils import make_msgid

import sqlalchemy as sa
from flask import current_app

from ...extensions import db
from ...tasks.services import enqueue_after_commit
from .. import privacy
from ..coalesce import hold
from ..models import OutboxMessage
from .composing import RenderedEmail, compose


def queue_email(
    *,
    to: str,
    kind: str,
    template: str,
    locale: str = "fr",
    user_id: int | None = None,
    level: privacy.Level | None = None,
    content: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: Iterable[tuple[str, str, bytes]] = (),
    dedupe_key: str | None = None,
    coalesce: str | None = None,
    html: bool = True,
    deliver: bool = True,
    **context: object,
) -> OutboxMessage | None:
    """Compose ``templates/email/<template>.txt`` (and ``.html``) for the recipient and put it in the outbox.

    ``kind`` is a kind of email the app registered (``intranet.mail.privacy.register_email_kind``):
    it gives the neutral subject (the network's, in the recipient's language) and the kind of
    content whose cap applies (``content`` overrides it). The recipient's level (``level``, else
    their preference within the cap) decides what the body may say; the email language is their
    preference's, else ``locale``. Returns None when ``dedupe_key`` says this message was already
    queued. With ``deliver=False`` no delivery job is enqueued: the caller delivers (a digest
    batch over its own connection) and the scheduler's ``flush_outbox`` catches up if it does not.

    ``coalesce`` names the object the email is about ("advocacy_position:3"): the email then waits
    ``EMAIL_COALESCE_SECONDS`` in the outbox, and a later email of the same kind about the same
    object to the same person, queued while it waits, takes its place (rendered with ``events``,
    the number of events it now stands for): a burst leaves as one email, saying the latest state.
    """
    if "subject" in context:
        raise TypeError("a subject comes from the kind of email (intranet.mail.privacy), never from content")
    if dedupe_key and db.session.scalar(
        sa.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
    ):
        return None
    pref = privacy.preference_of(user_id)
    locale = privacy.recipient_locale(pref, locale)
    if level is None:
        level = privacy.level_for(pref, content or privacy.email_kind(kind).content)
    if coalesce:
        key = f"{kind}:{user_id if user_id is not None else to}:{coalesce}"[:200]
        return hold(
            key,
            lambda events: compose(
                kind, template, locale=locale, level=level, html=html, count=events, events=events, **context
            ),
            to=to,
            kind=kind,
            user_id=user_id,
            headers=headers,
            attachments=attachments,
            dedupe_key=dedupe_key,
        )
    rendered = compose(kind, template, locale=locale, level=level, html=html, count=None, **context)
    return store_email(
        rendered,
        to=to,
        kind=kind,
        user_id=user_id,
        headers=headers,
        attachments=attachments,
        dedupe_key=dedupe_key,
        deliver=deliver,
    )


def store_email(
    rendered: RenderedEmail,
    *,
    to: str,
    kind: str,
    user_id: int | None = None,
    headers: dict[str, str] | None = None,
    attachments: Iterable[tuple[str, str, bytes]] = (),
    dedupe_key: str | None = None,
    deliver: bool = True,
    flush: bool = True,
) -> OutboxMessage:
    """Write a rendered email to the outbox in the caller's transaction (flushed, not committed).

    ``flush=False`` leaves the row pending so that a caller writing many (a digest chunk) inserts
    them in one statement with its own flush; such rows are never delivered from here.
    """
    domain = current_app.config["MAIL_DEFAULT_SENDER"].rsplit("@", 1)[-1].strip(">") or "passerelle.example"
    message = OutboxMessage(
        kind=kind,
        to_address=to,
        user_id=user_id,
        subject=rendered.subject,
        sender_name=rendered.sender_name,
        body_text=rendered.body_text,
        body_html=rendered.body_html,
        headers=dict(headers or {}),
        attachments=[
            {"filename": name, "content_type": ctype, "data": base64.b64encode(data).decode()}
            for name, ctype, data in attachments
        ],
        message_id=make_msgid(idstring=uuid.uuid4().hex[:12], domain=domain),
        dedupe_key=dedupe_key,
    )
    db.session.add(message)
    if not flush:
        return message
    db.session.flush()
    if deliver:
        enqueue_after_commit("jobs.email.deliver_message", message.id, queue="email")
    return message
