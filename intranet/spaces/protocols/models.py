"""Protocols of a space (issue 20): an agreement between its organizations on how they refer and
coordinate, drafted together (each saved text is a version), then adopted by organizations.

draft → open (for signature) → adopted (→ archived). Every change of the text freezes a version;
signatures are given on the text as it stood when the protocol was opened (it no longer changes).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...accounts.models import Organization, User
from ...database import UTCDateTime, utcnow
from ...extensions import Model
from ..models import Space


class ProtocolStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    ADOPTED = "adopted"
    ARCHIVED = "archived"


PROTOCOL_STATUS_LABELS = {
    ProtocolStatus.DRAFT: _l("En rédaction"),
    ProtocolStatus.OPEN: _l("Ouvert à la signature"),
    ProtocolStatus.ADOPTED: _l("Adopté"),
    ProtocolStatus.ARCHIVED: _l("Archivé"),
}


class Protocol(Model):
    __tablename__ = "space_protocol"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(sa.ForeignKey("space.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[ProtocolStatus] = mapped_column(
        sa.Enum(ProtocolStatus, native_enum=False, length=10), default=ProtocolStatus.DRAFT, index=True
    )
    #: The number of the latest version (each saved text is one).
    version_count: Mapped[int] = mapped_column(default=0)
    review_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    review_reminded_on: Mapped[date | None] = mapped_column(sa.Date)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    adopted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    space: Mapped[Space] = relationship()
    author: Mapped[User | None] = relationship()

    @property
    def status_label(self):
        return PROTOCOL_STATUS_LABELS[self.status]


class ProtocolVersion(Model):
    """The text as it was saved (frozen): the history and its differences."""

    __tablename__ = "space_protocol_version"
    __table_args__ = (sa.UniqueConstraint("protocol_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    protocol_id: Mapped[int] = mapped_column(
        sa.ForeignKey("space_protocol.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    created_by: Mapped[User | None] = relationship()


class ProtocolSignature(Model):
    """An organization adopting the protocol, by one of its coordinators; withdrawn keeps the trace."""

    __tablename__ = "space_protocol_signature"
    __table_args__ = (sa.UniqueConstraint("protocol_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    protocol_id: Mapped[int] = mapped_column(
        sa.ForeignKey("space_protocol.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    signed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship(lazy="joined")
    signed_by: Mapped[User | None] = relationship()
