"""Good practices: the practice, its revisions, attachments, comments, marks and reports.

A practice belongs to its author's organization; its members can edit it. Who may see it is
decided in ``policy.py`` (and, for lists and search, by ``policy.visible_clause`` in SQL).
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from ..accounts.models import Organization, Region, User
from ..database import UTCDateTime, utcnow
from ..extensions import Model, db
from ..files.models import StoredFile
from ..themes.models import Theme


class Status(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"
    WITHDRAWN = "withdrawn"  # unpublished by a moderator, with a reason the author sees


class Visibility(enum.StrEnum):
    NETWORK = "network"
    ORGANIZATION = "organization"


class Approach(enum.StrEnum):
    FEMINIST = "feminist"
    INTERCULTURAL = "intercultural"
    INTERSECTIONAL = "intersectional"


class TSVector(TypeDecorator):
    """A tsvector on PostgreSQL; on SQLite the column stays empty (FTS5 keeps its own table)."""

    impl = sa.Text
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.TSVECTOR())
        return dialect.type_descriptor(sa.Text())


practice_theme = sa.Table(
    "practice_theme",
    db.metadata,
    sa.Column("theme_id", sa.ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("practice_id", sa.ForeignKey("practice.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_practice_theme_practice", "practice_id"),
)

practice_approach = sa.Table(
    "practice_approach",
    db.metadata,
    sa.Column("approach", sa.String(20), primary_key=True),
    sa.Column("practice_id", sa.ForeignKey("practice.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_practice_approach_practice", "practice_id"),
)

practice_sector = sa.Table(
    "practice_sector",
    db.metadata,
    sa.Column("sector", sa.String(20), primary_key=True),
    sa.Column("practice_id", sa.ForeignKey("practice.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_practice_sector_practice", "practice_id"),
)


class Practice(Model):
    __tablename__ = "practice"
    __table_args__ = (
        # The list pages: published practices by recency, overall and per organization / region.
        sa.Index("ix_practice_status_published", "status", "published_at", "id"),
        sa.Index("ix_practice_org_status_published", "organization_id", "status", "published_at"),
        sa.Index("ix_practice_region_status_published", "region_id", "status", "published_at"),
        sa.Index("ix_practice_search_vector", "search_vector", postgresql_using="gin").ddl_if(
            dialect="postgresql"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.String(600), default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")
    audience: Mapped[str] = mapped_column(sa.String(200), default="")
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("region.id", ondelete="SET NULL"))
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    status: Mapped[Status] = mapped_column(
        sa.Enum(Status, native_enum=False, length=20), default=Status.DRAFT
    )
    visibility: Mapped[Visibility] = mapped_column(
        sa.Enum(Visibility, native_enum=False, length=20), default=Visibility.NETWORK
    )
    # Bumped on every save: the edit form carries it, so a stale save is a conflict, not a loss.
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # last published change
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    moderation_reason: Mapped[str | None] = mapped_column(sa.Text)
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    helpful_count: Mapped[int] = mapped_column(default=0)
    comment_count: Mapped[int] = mapped_column(default=0)
    search_vector: Mapped[str | None] = mapped_column(TSVector, deferred=True)
    # Title and summary as the search normalises them (one line each): ranking reads these.
    search_words: Mapped[str | None] = mapped_column(sa.Text, deferred=True)

    organization: Mapped[Organization] = relationship(lazy="joined", innerjoin=True)
    region: Mapped[Region | None] = relationship(lazy="joined")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    themes: Mapped[list[Theme]] = relationship(secondary=practice_theme, order_by=Theme.name_fr)
    attachments: Mapped[list[PracticeAttachment]] = relationship(
        back_populates="practice", cascade="all, delete-orphan", order_by="PracticeAttachment.id"
    )

    _approach_rows: Mapped[list[PracticeApproach]] = relationship(
        cascade="all, delete-orphan", order_by="PracticeApproach.approach"
    )
    _sector_rows: Mapped[list[PracticeSector]] = relationship(
        cascade="all, delete-orphan", order_by="PracticeSector.sector"
    )

    @property
    def approaches(self) -> list[str]:
        return [row.approach for row in self._approach_rows]

    @property
    def sectors(self) -> list[str]:
        return [row.sector for row in self._sector_rows]

    def set_approaches(self, values: list[str]) -> None:
        self._approach_rows = [PracticeApproach(approach=v) for v in sorted(set(values))]

    def set_sectors(self, values: list[str]) -> None:
        self._sector_rows = [PracticeSector(sector=v) for v in sorted(set(values))]

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    def __repr__(self) -> str:
        return f"<Practice {self.id} {self.status}>"


class PracticeApproach(Model):
    __table__ = practice_approach

    # The table's columns, declared for the type checker (the mapping reads them from ``__table__``).
    approach: Mapped[str]
    practice_id: Mapped[int]


class PracticeSector(Model):
    __table__ = practice_sector

    sector: Mapped[str]
    practice_id: Mapped[int]


class PracticeRevision(Model):
    """A published state of a practice, kept so that anyone who can see it can see what changed."""

    __tablename__ = "practice_revision"
    __table_args__ = (sa.UniqueConstraint("practice_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(sa.ForeignKey("practice.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.String(600), default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")
    audience: Mapped[str] = mapped_column(sa.String(200), default="")
    # Themes, approaches, sectors, region and visibility as they were (labels, for the diff).
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    editor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    editor: Mapped[User | None] = relationship()


class PracticeAttachment(Model):
    __tablename__ = "practice_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(sa.ForeignKey("practice.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_file.id", ondelete="CASCADE"))

    practice: Mapped[Practice] = relationship(back_populates="attachments")
    file: Mapped[StoredFile] = relationship(lazy="joined")


class PracticeComment(Model):
    __tablename__ = "practice_comment"
    __table_args__ = (sa.Index("ix_practice_comment_practice", "practice_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(sa.ForeignKey("practice.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author: Mapped[User | None] = relationship(lazy="joined")
    practice: Mapped[Practice] = relationship()


class PracticeHelpfulMark(Model):
    """« Cela m’a été utile »: one per person and practice."""

    __tablename__ = "practice_helpful"

    practice_id: Mapped[int] = mapped_column(
        sa.ForeignKey("practice.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PracticeBookmark(Model):
    """« Ma sélection »."""

    __tablename__ = "practice_bookmark"
    __table_args__ = (sa.Index("ix_practice_bookmark_user", "user_id", "created_at"),)

    practice_id: Mapped[int] = mapped_column(
        sa.ForeignKey("practice.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PracticeReport(Model):
    """A member tells the moderators that a practice or a comment needs a look."""

    __tablename__ = "practice_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(sa.ForeignKey("practice.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("practice_comment.id", ondelete="CASCADE"))
    reporter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    practice: Mapped[Practice] = relationship()
    comment: Mapped[PracticeComment | None] = relationship()
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])
