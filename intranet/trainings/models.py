"""Trainings, their dated sessions, registrations (seats and waiting list), evaluations.

No street address of a house anywhere (DOMAIN rule 1): an in-person session is placed by town and
region; the room's details (a training venue, never a shelter) are shown to confirmed participants only.
"""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Region, User
from ..database import UTCDateTime, utcnow
from ..extensions import Model, db
from ..themes.models import Theme


class SessionFormat(enum.StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CANCELLED = "cancelled"


training_theme_link = sa.Table(
    "training_theme_link",
    db.metadata,
    sa.Column("training_id", sa.ForeignKey("training.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("theme_id", sa.ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True),
)


class Training(Model):
    __tablename__ = "training"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")  # Markdown
    audience: Mapped[str] = mapped_column(sa.String(300), default="")
    trainer: Mapped[str] = mapped_column(sa.String(200), default="")
    language: Mapped[str] = mapped_column(sa.String(5), default="fr")  # "fr", "en" or "fr-en"
    published: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    themes: Mapped[list[Theme]] = relationship(
        secondary=training_theme_link, order_by=Theme.name_fr, lazy="selectin"
    )
    sessions: Mapped[list[TrainingSession]] = relationship(
        back_populates="training", order_by="TrainingSession.starts_at", cascade="all, delete-orphan"
    )


class TrainingSession(Model):
    __tablename__ = "training_session"
    __table_args__ = (
        sa.CheckConstraint("capacity >= 1", name="capacity_positive"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.Index("ix_training_session_upcoming", "cancelled_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    training_id: Mapped[int] = mapped_column(sa.ForeignKey("training.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    format: Mapped[SessionFormat] = mapped_column(sa.Enum(SessionFormat, native_enum=False, length=20))
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("region.id"), index=True)
    town: Mapped[str] = mapped_column(sa.String(120), default="")
    # For confirmed participants only: the room (a venue, never a house) or the meeting link.
    room_details: Mapped[str] = mapped_column(sa.Text, default="")
    online_url: Mapped[str] = mapped_column(sa.String(500), default="")
    capacity: Mapped[int]
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    # Empty lists: open to every sector and role.
    allowed_sectors: Mapped[list] = mapped_column(sa.JSON, default=list)
    allowed_roles: Mapped[list] = mapped_column(sa.JSON, default=list)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    # iCalendar SEQUENCE: raised when the time, place or status changes, so calendars update.
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    training: Mapped[Training] = relationship(back_populates="sessions", lazy="joined")
    region: Mapped[Region | None] = relationship(lazy="joined")

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_online(self) -> bool:
        return self.format == SessionFormat.ONLINE


class Registration(Model):
    """One person's seat or waiting-list place for a session (one row per person and session)."""

    __tablename__ = "training_registration"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "user_id", name="uq_training_registration_session_user"),
        sa.Index("ix_training_registration_queue", "session_id", "status", "queued_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("training_session.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    registered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    status: Mapped[RegistrationStatus] = mapped_column(
        sa.Enum(RegistrationStatus, native_enum=False, length=20)
    )
    # The waiting list is ordered by (queued_at, id): the time the person asked for a seat.
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attended: Mapped[bool | None] = mapped_column()
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    certificate_path: Mapped[str | None] = mapped_column(sa.String(300))  # relative to instance/
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[TrainingSession] = relationship(lazy="joined")
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    registered_by: Mapped[User | None] = relationship(foreign_keys=[registered_by_id])


class Evaluation(Model):
    __tablename__ = "training_evaluation"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "user_id", name="uq_training_evaluation_session_user"),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("training_session.id", ondelete="CASCADE"), index=True
    )
    # Kept to stop a second evaluation; staff see only the aggregate and unsigned comments.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    rating: Mapped[int]
    comment: Mapped[str] = mapped_column(sa.String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CalendarFeed(Model):
    """The secret of a member's personal calendar feed (a URL they paste into their calendar)."""

    __tablename__ = "training_calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=lambda: secrets.token_urlsafe(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
