"""The outbox: every email the application sends is a row here before it is a message."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime, utcnow
from ..extensions import Model


class MailStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    REFUSED = "refused"  # the server refused the address for good: the administrator is told
    FAILED = "failed"  # gave up after many temporary failures


class OutboxMessage(Model):
    __tablename__ = "outbox_message"
    __table_args__ = (sa.Index("ix_outbox_message_coalesce", "coalesce_key", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40), index=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    subject: Mapped[str] = mapped_column(sa.String(300))
    # The display name of the sender, in the recipient's language (the network's neutral name).
    sender_name: Mapped[str | None] = mapped_column(sa.String(120))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    headers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    attachments: Mapped[list] = mapped_column(sa.JSON, default=list)
    message_id: Mapped[str] = mapped_column(sa.String(200), unique=True)
    # Set when the sender wants at most one such message (for example one digest per period).
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    # Set when a burst about one object should leave as one email ("<person>:<object>"): while the
    # message waits for its window, the next one of the same key replaces its body (``coalesced``
    # counts the events it stands for).
    coalesce_key: Mapped[str | None] = mapped_column(sa.String(200))
    coalesced: Mapped[int] = mapped_column(default=1, server_default="1")
    status: Mapped[MailStatus] = mapped_column(
        sa.Enum(MailStatus, native_enum=False, length=20), default=MailStatus.PENDING, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MailSettings(Model):
    """The network's email privacy settings: one row (id 1), set by the administrator.

    No row means the defaults of ``intranet.mail.privacy``. Levels are stored by value
    ("full", "titles", "discreet"); texts by language ({"fr": ..., "en": ...}), an empty or
    missing text meaning the built-in neutral one.
    """

    __tablename__ = "mail_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    default_level: Mapped[str] = mapped_column(sa.String(10), default="titles")
    caps: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # content kind -> most revealing level
    sender_names: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # locale -> display name
    subjects: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # email kind -> {locale: subject}
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
