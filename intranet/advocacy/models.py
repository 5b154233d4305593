"""Advocacy texts (positions), their frozen versions, review, co-signatures and attachments.

A position belongs to its author's organization and stays private to it (and, once submitted, to
the network staff who review it) until it is published (DOMAIN rule 3).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Organization, User
from ..database import UTCDateTime, utcnow
from ..extensions import Model, db
from ..files.models import StoredFile
from ..text import fold
from ..themes.models import Theme


class Kind(enum.StrEnum):
    OP_ED = "op_ed"
    BRIEF = "brief"
    OPEN_LETTER = "open_letter"
    PRESS_RELEASE = "press_release"
    JOINT_POSITION = "joint_position"


KIND_LABELS = {
    Kind.OP_ED: _l("Tribune"),
    Kind.BRIEF: _l("Mémoire"),
    Kind.OPEN_LETTER: _l("Lettre ouverte"),
    Kind.PRESS_RELEASE: _l("Communiqué"),
    Kind.JOINT_POSITION: _l("Position commune"),
}


class Status(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    RESUBMITTED = "resubmitted"
    APPROVED = "approved"
    PUBLISHED = "published"
    ARCHIVED = "archived"


STATUS_LABELS = {
    Status.DRAFT: _l("Brouillon"),
    Status.SUBMITTED: _l("Soumis"),
    Status.IN_REVIEW: _l("En révision"),
    Status.CHANGES_REQUESTED: _l("Modifications demandées"),
    Status.RESUBMITTED: _l("Soumis de nouveau"),
    Status.APPROVED: _l("Approuvé"),
    Status.PUBLISHED: _l("Publié"),
    Status.ARCHIVED: _l("Archivé"),
}

LANGUAGES = {"fr": "Français", "en": "English"}


class Position(Model):
    """An advocacy text. Its working content is edited in place; each submission freezes a version."""

    __tablename__ = "advocacy_position"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    kind: Mapped[Kind] = mapped_column(sa.Enum(Kind, native_enum=False, length=20))
    language: Mapped[str] = mapped_column(sa.String(5), default="fr")
    title: Mapped[str] = mapped_column(sa.String(200))
    addressee: Mapped[str] = mapped_column(sa.String(200), default="")
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")
    demands: Mapped[list] = mapped_column(sa.JSON, default=list)
    status: Mapped[Status] = mapped_column(
        sa.Enum(Status, native_enum=False, length=20), default=Status.DRAFT, index=True
    )
    # Bumped by every change; an edit form carries the revision it started from (conflicts).
    revision: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # first submission
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    cosign_open: Mapped[bool] = mapped_column(default=False)
    cosign_closes_on: Mapped[date | None] = mapped_column(sa.Date)
    # Title, summary, body and addressee folded (``intranet.text.fold``), written with them
    # (``_fold_search_text``): the header's search matches them with a plain LIKE.
    search_text: Mapped[str] = mapped_column(sa.Text, default="", deferred=True)

    organization: Mapped[Organization] = relationship(lazy="joined")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    themes: Mapped[list[Theme]] = relationship(
        secondary="advocacy_position_theme", lazy="selectin", order_by=Theme.name_fr
    )
    versions: Mapped[list[Version]] = relationship(
        back_populates="position", cascade="all, delete-orphan", order_by="Version.number"
    )

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def is_public(self) -> bool:
        return self.status in (Status.PUBLISHED, Status.ARCHIVED)

    @property
    def latest_version(self) -> Version | None:
        return self.versions[-1] if self.versions else None

    def __repr__(self) -> str:
        return f"<Position {self.id} {self.status}>"


position_theme = sa.Table(
    "advocacy_position_theme",
    db.metadata,
    sa.Column("position_id", sa.ForeignKey("advocacy_position.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("theme_id", sa.ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_advocacy_position_theme_theme", "theme_id"),
)


class Version(Model):
    """The content of a position as it was submitted (frozen; reviewers comment on it)."""

    __tablename__ = "advocacy_version"
    __table_args__ = (sa.UniqueConstraint("position_id", "number", name="uq_advocacy_version_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(
        sa.ForeignKey("advocacy_position.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    kind: Mapped[Kind] = mapped_column(sa.Enum(Kind, native_enum=False, length=20))
    language: Mapped[str] = mapped_column(sa.String(5))
    title: Mapped[str] = mapped_column(sa.String(200))
    addressee: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text)
    body: Mapped[str] = mapped_column(sa.Text)
    demands: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    position: Mapped[Position] = relationship(back_populates="versions")
    created_by: Mapped[User | None] = relationship()
    comments: Mapped[list[Comment]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="Comment.id"
    )

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]


class Transition(Model):
    """One step of the workflow: who moved the position, when, from where to where, and why."""

    __tablename__ = "advocacy_transition"

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(
        sa.ForeignKey("advocacy_position.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(sa.String(30))
    from_status: Mapped[Status] = mapped_column(sa.Enum(Status, native_enum=False, length=20))
    to_status: Mapped[Status] = mapped_column(sa.Enum(Status, native_enum=False, length=20))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    version_number: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()

    @property
    def to_label(self):
        return STATUS_LABELS[self.to_status]


class Comment(Model):
    __tablename__ = "advocacy_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("advocacy_version.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    version: Mapped[Version] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship()


class Cosignature(Model):
    """An organization signing a position, by one of its coordinators; withdrawn keeps the trace."""

    __tablename__ = "advocacy_cosignature"
    __table_args__ = (
        sa.UniqueConstraint("position_id", "organization_id", name="uq_advocacy_cosignature_org"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(
        sa.ForeignKey("advocacy_position.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    signed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship(lazy="joined")
    signed_by: Mapped[User | None] = relationship()


class Attachment(Model):
    __tablename__ = "advocacy_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(
        sa.ForeignKey("advocacy_position.id", ondelete="CASCADE"), index=True
    )
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_file.id", ondelete="CASCADE"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    file: Mapped[StoredFile] = relationship(lazy="joined")


@event.listens_for(Position, "before_insert")
@event.listens_for(Position, "before_update")
def _fold_search_text(mapper, connection, target: Position) -> None:
    state = sa.inspect(target)
    if not state.pending and not any(
        state.attrs[name].history.has_changes() for name in ("title", "summary", "body", "addressee")
    ):
        return
    # One line each: a searched word ([0-9a-z]) never spans two fields.
    target.search_text = fold(
        "\n".join((target.title or "", target.summary or "", target.body or "", target.addressee or ""))
    )


# A trigram index serves the LIKE on PostgreSQL (created beside the table and by migration
# 0048_indexes; ``intranet.database.UNMANAGED`` names it).
POSTGRES_SEARCH_INDEX = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS ix_advocacy_position_search_trgm ON advocacy_position "
    "USING gin (search_text gin_trgm_ops)",
)
for _statement in POSTGRES_SEARCH_INDEX:
    event.listen(Position.__table__, "after_create", sa.DDL(_statement).execute_if(dialect="postgresql"))
