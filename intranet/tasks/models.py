"""A row per long task (PDF, export...) so its progress and result outlive Redis."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime, utcnow
from ..extensions import Model


class TaskStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class TaskRecord(Model):
    __tablename__ = "task_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(32), unique=True, default=lambda: secrets.token_hex(16))
    job_id: Mapped[str] = mapped_column(sa.String(64), unique=True, default=lambda: secrets.token_hex(16))
    kind: Mapped[str] = mapped_column(sa.String(40), index=True)
    func: Mapped[str] = mapped_column(sa.String(200))
    args: Mapped[list] = mapped_column(sa.JSON, default=list)
    queue: Mapped[str] = mapped_column(sa.String(20), default="default")
    # Who asked, and whose data it is: only they (and staff) see it.
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organization.id", ondelete="SET NULL"))
    status: Mapped[TaskStatus] = mapped_column(
        sa.Enum(TaskStatus, native_enum=False, length=20), default=TaskStatus.QUEUED, index=True
    )
    progress: Mapped[int] = mapped_column(default=0)
    # Optional key so that asking twice for the same thing reuses the first task (e.g. a PDF per version).
    cache_key: Mapped[str | None] = mapped_column(sa.String(200), index=True)
    result_path: Mapped[str | None] = mapped_column(sa.String(300))  # relative to instance/
    result_name: Mapped[str | None] = mapped_column(sa.String(200))
    result_mimetype: Mapped[str | None] = mapped_column(sa.String(100))
    error: Mapped[str | None] = mapped_column(sa.Text)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
