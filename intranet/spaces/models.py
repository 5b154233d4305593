"""Regional tables and thematic spaces: where organizations of both sectors work together.

A space's members are organizations; their people take part. A space is read by the whole
network or by its member organizations only; a thread belongs to its space and its readers are
the space's readers (no organization-only thread inside a space).
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Organization, Region, User
from ..database import UTCDateTime, utcnow
from ..extensions import Model
from ..text import fold


class SpaceKind(enum.StrEnum):
    REGION = "region"
    THEME = "theme"


class SpaceVisibility(enum.StrEnum):
    NETWORK = "network"  # every member of the network reads; member organizations take part
    MEMBERS = "members"  # only the member organizations' people read and take part


class Space(Model):
    __tablename__ = "space"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SpaceKind] = mapped_column(sa.Enum(SpaceKind, native_enum=False, length=10))
    name: Mapped[str] = mapped_column(sa.String(160))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("region.id"), unique=True)
    visibility: Mapped[SpaceVisibility] = mapped_column(
        sa.Enum(SpaceVisibility, native_enum=False, length=10), default=SpaceVisibility.NETWORK
    )
    #: Seats the table keeps for organizations of the immigration sector (bridging organizations).
    immigration_seats: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    region: Mapped[Region | None] = relationship()


class SpaceMember(Model):
    """An organization sitting at the table."""

    __tablename__ = "space_member"
    __table_args__ = (sa.UniqueConstraint("space_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(sa.ForeignKey("space.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    joined_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    organization: Mapped[Organization] = relationship()


class SpaceFacilitator(Model):
    """A person who runs the table: welcomes organizations, moderates its discussions."""

    __tablename__ = "space_facilitator"
    __table_args__ = (sa.UniqueConstraint("space_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(sa.ForeignKey("space.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)

    user: Mapped[User] = relationship()


class Thread(Model):
    __tablename__ = "space_thread"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(sa.ForeignKey("space.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_post_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    post_count: Mapped[int] = mapped_column(default=0)

    space: Mapped[Space] = relationship()
    author: Mapped[User | None] = relationship()


class Post(Model):
    __tablename__ = "space_post"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("space_thread.id", ondelete="CASCADE"), index=True)
    #: Its place in the thread (1, 2, ...): pages and "new since your last visit" count on it.
    number: Mapped[int] = mapped_column()
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The body folded (``intranet.text.fold``: lower case, accents off), written with it: the
    #: header's search matches it with a plain LIKE (a trigram index on PostgreSQL,
    #: ``POSTGRES_SEARCH_INDEX``) instead of folding every message at every search.
    search_body: Mapped[str] = mapped_column(sa.Text, default="", deferred=True)

    thread: Mapped[Thread] = relationship()
    author: Mapped[User | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("thread_id", "number"),)


@event.listens_for(Post, "before_insert")
@event.listens_for(Post, "before_update")
def _fold_body(mapper, connection, target: Post) -> None:
    state = sa.inspect(target)
    if state.pending or state.attrs.body.history.has_changes():
        target.search_body = fold(target.body or "")


# Created beside the table (and by migration 0048_indexes); not a model index: SQLite would build
# a useless B-tree over every message. ``intranet.database.UNMANAGED`` names it.
POSTGRES_SEARCH_INDEX = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS ix_space_post_search_trgm ON space_post USING gin (search_body gin_trgm_ops)",
)
for _statement in POSTGRES_SEARCH_INDEX:
    event.listen(Post.__table__, "after_create", sa.DDL(_statement).execute_if(dialect="postgresql"))


class PostRevision(Model):
    """The text a post had before an edit: its edit history."""

    __tablename__ = "space_post_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("space_post.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ThreadReader(Model):
    """A person's place in a thread: the last post read, and whether they follow or mute it."""

    __tablename__ = "space_thread_reader"
    __table_args__ = (sa.UniqueConstraint("thread_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("space_thread.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    last_read_number: Mapped[int] = mapped_column(default=0)
    #: "following", "muted" or "" (notified only when mentioned).
    watch: Mapped[str] = mapped_column(sa.String(10), default="")


class PostReport(Model):
    """A reader tells the facilitators and the network's team that a post needs a look."""

    __tablename__ = "space_post_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("space_post.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    post: Mapped[Post] = relationship()


class Choice(enum.StrEnum):
    AGREE = "agree"
    ABSTAIN = "abstain"
    DISAGREE = "disagree"
    BLOCK = "block"


class Proposal(Model):
    """A decision put to a space (Loomio's proposal): positions until a closing date, then an outcome."""

    __tablename__ = "space_proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(sa.ForeignKey("space.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    #: "organization": one position per member organization, given by its coordinators;
    #: "person": every person of the member organizations.
    mode: Mapped[str] = mapped_column(sa.String(12), default="organization")
    #: Results shown while open, or only once closed.
    results_open: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[str] = mapped_column(sa.Text, default="")
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    space: Mapped[Space] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])


class Stance(Model):
    """A position on a proposal. ``voter`` is "o<organization id>" or "u<user id>" as the proposal's
    mode says: the unique constraint keeps one position per organization (or person), even when two
    coordinators answer at the same moment."""

    __tablename__ = "space_stance"
    __table_args__ = (sa.UniqueConstraint("proposal_id", "voter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("space_proposal.id", ondelete="CASCADE"), index=True
    )
    voter: Mapped[str] = mapped_column(sa.String(20))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id", ondelete="CASCADE"))
    choice: Mapped[Choice] = mapped_column(sa.Enum(Choice, native_enum=False, length=10))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organization: Mapped[Organization] = relationship()
    user: Mapped[User | None] = relationship()
