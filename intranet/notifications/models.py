"""In-app notifications, digest preferences, and the digest ledger (what was sent, per period)."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime, utcnow
from ..extensions import Model


class Notification(Model):
    """Something that concerns one member directly; stored in the transaction that caused it."""

    __tablename__ = "notification"
    __table_args__ = (
        sa.Index("ix_notification_user_read_created", "user_id", "read_at", "created_at"),
        sa.Index("ix_notification_user_object", "user_id", "object_key"),
        sa.Index("ix_notification_object", "object_key", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[str] = mapped_column(sa.String(300))
    # The object's page: an endpoint and opaque ids, never a title or a name in the URL.
    endpoint: Mapped[str] = mapped_column(sa.String(120))
    values: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organization.id", ondelete="SET NULL"))
    # The object it is about ("advocacy_position:3"): one row per member, object and kind, whose
    # ``count`` says how many events it holds ("3 commentaires"); None for rows from before.
    object_key: Mapped[str | None] = mapped_column(sa.String(160))
    count: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Frequency(enum.StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    NEVER = "never"


class NotificationPreference(Model):
    """A member's digest settings. No row means the defaults: weekly, their region, all themes."""

    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    frequency: Mapped[Frequency] = mapped_column(
        sa.Enum(Frequency, native_enum=False, length=10), default=Frequency.WEEKLY, index=True
    )
    weekday: Mapped[int] = mapped_column(default=0)  # 0 = Monday, in the network's time zone
    locale: Mapped[str | None] = mapped_column(sa.String(5))  # None: the interface language
    # How much emails may say ("full", "titles", "discreet"); None: the network's default.
    email_level: Mapped[str | None] = mapped_column(sa.String(10))
    all_regions: Mapped[bool] = mapped_column(default=False)
    region_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    theme_ids: Mapped[list] = mapped_column(sa.JSON, default=list)  # empty: every theme
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class DeliveryStatus(enum.StrEnum):
    QUEUED = "queued"  # the digest is in the outbox (the outbox says whether it was sent)
    EMPTY = "empty"  # nothing new for this member in this period: no email
    REFUSED_ADDRESS = "refused"  # the server refused this address for good: not tried again


class DigestDelivery(Model):
    """The ledger: at most one row per member and period, written with the outbox row.

    The unique constraint is what makes a digest exactly-once: whichever job inserts the row
    first sends; a second scheduler run, a retried job or a restarted worker finds it and skips.
    """

    __tablename__ = "digest_delivery"
    __table_args__ = (sa.UniqueConstraint("user_id", "period_key", name="uq_digest_delivery_user_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    period_key: Mapped[str] = mapped_column(sa.String(20), index=True)
    status: Mapped[DeliveryStatus] = mapped_column(sa.Enum(DeliveryStatus, native_enum=False, length=20))
    item_count: Mapped[int] = mapped_column(default=0)
    # What the digest covered: the next one starts from ``covers_until``.
    covers_since: Mapped[datetime] = mapped_column(UTCDateTime)
    covers_until: Mapped[datetime] = mapped_column(UTCDateTime)
    outbox_message_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("outbox_message.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
