"""A meeting of a space, its time poll (slots and answers) and its registrations by organization."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...accounts.models import Organization, User
from ...database import UTCDateTime, utcnow
from ...extensions import Model
from ...files.models import StoredFile
from ..models import Space


class Meeting(Model):
    __tablename__ = "space_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(sa.ForeignKey("space.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    agenda: Mapped[str] = mapped_column(sa.Text, default="")
    duration_minutes: Mapped[int] = mapped_column(default=120)
    #: None while the time poll is open: the facilitator's pick sets it.
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    #: True when the date was (or is being) chosen by a time poll.
    polled: Mapped[bool] = mapped_column(default=False)
    poll_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_online: Mapped[bool] = mapped_column(default=False)
    #: A town, never a street address (shown to participants only, as the link).
    town: Mapped[str] = mapped_column(sa.String(120), default="")
    online_url: Mapped[str] = mapped_column(sa.String(500), default="")
    #: iCalendar SEQUENCE: raised when the time or the place changes, so calendars update.
    sequence: Mapped[int] = mapped_column(default=0)
    minutes: Mapped[str] = mapped_column(sa.Text, default="")
    minutes_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    minutes_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    space: Mapped[Space] = relationship()

    @property
    def poll_open(self) -> bool:
        return self.polled and self.poll_closed_at is None

    @property
    def ends_at(self) -> datetime | None:
        return self.starts_at + timedelta(minutes=self.duration_minutes) if self.starts_at else None


class Slot(Model):
    """A date and time the facilitator proposes in a time poll."""

    __tablename__ = "space_meeting_slot"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("space_meeting.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Answer(enum.StrEnum):
    YES = "yes"
    MAYBE = "maybe"
    NO = "no"


class PollAnswer(Model):
    """A person's answer for one slot: one per person and slot, changed until the poll closes."""

    __tablename__ = "space_meeting_answer"
    __table_args__ = (sa.UniqueConstraint("slot_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("space_meeting.id", ondelete="CASCADE"), index=True)
    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("space_meeting_slot.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    answer: Mapped[Answer] = mapped_column(sa.Enum(Answer, native_enum=False, length=10))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class MeetingRegistration(Model):
    """An organization comes to the meeting, with a number of people: one row per organization."""

    __tablename__ = "space_meeting_registration"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("space_meeting.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    people: Mapped[int] = mapped_column(default=1)
    registered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organization: Mapped[Organization] = relationship()


class MeetingAttachment(Model):
    """A file joined to the minutes (``intranet.files``): read by whoever reads the space."""

    __tablename__ = "space_meeting_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("space_meeting.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_file.id", ondelete="CASCADE"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    file: Mapped[StoredFile] = relationship(lazy="joined")
