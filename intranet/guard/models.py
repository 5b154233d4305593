"""What the guard keeps: the kinds of findings a person confirmed, for the moderators (never the text)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime, utcnow
from ..extensions import Model


class GuardConfirmation(Model):
    __tablename__ = "guard_confirmation"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organization.id", ondelete="SET NULL"))
    #: The object's table and id (``practice_comment``, 12): the moderators' queue links to it.
    object_type: Mapped[str] = mapped_column(sa.String(60))
    object_id: Mapped[int] = mapped_column()
    #: Comma-separated kinds ("address,phone"), never the text.
    kinds: Mapped[str] = mapped_column(sa.String(200))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
