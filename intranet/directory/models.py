"""The directory (HSDS 3.0 in spirit): organizations' profiles and the shared resources.

An organization's profile extends ``accounts.Organization`` (name, sector, home region, town:
never a street address, DOMAIN rule 1). A resource is a service that is not a member
organization (violence-informed interpreting first of all), with the date it was last confirmed
and by which organization: the known failure of resource directories is stale records.
``search_text`` holds the words a search matches, folded (``intranet.text.fold``).
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Organization, User
from ..database import UTCDateTime, utcnow
from ..extensions import Model
from .vocab import Step


class ProfileRegion(Model):
    __tablename__ = "directory_profile_region"
    __table_args__ = (sa.Index("ix_directory_profile_region_region", "region_id"),)

    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("directory_profile.organization_id", ondelete="CASCADE"), primary_key=True
    )
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("region.id", ondelete="CASCADE"), primary_key=True)


class ProfileStep(Model):
    __tablename__ = "directory_profile_step"
    __table_args__ = (sa.Index("ix_directory_profile_step_step", "step"),)

    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("directory_profile.organization_id", ondelete="CASCADE"), primary_key=True
    )
    step: Mapped[str] = mapped_column(sa.String(30), primary_key=True)


class ProfileLanguage(Model):
    __tablename__ = "directory_profile_language"
    __table_args__ = (sa.Index("ix_directory_profile_language_code", "code"),)

    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("directory_profile.organization_id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(sa.String(8), primary_key=True)


class Profile(Model):
    """What an organization says of itself in the directory. One per organization."""

    __tablename__ = "directory_profile"

    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True
    )
    description: Mapped[str] = mapped_column(sa.Text, default="")
    services_details: Mapped[str] = mapped_column(sa.Text, default="")
    approaches: Mapped[list] = mapped_column(sa.JSON, default=list)
    accessibility: Mapped[str] = mapped_column(sa.Text, default="")
    referral: Mapped[str] = mapped_column(sa.Text, default="")  # how to make a referral
    # The porteuse de dossier and the professional contact she chooses to show.
    lead_name: Mapped[str] = mapped_column(sa.String(120), default="")
    lead_title: Mapped[str] = mapped_column(sa.String(120), default="")
    lead_email: Mapped[str] = mapped_column(sa.String(254), default="")
    lead_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    # The organization agrees that its public parts leave the network (the HSDS export).
    shareable: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    # Last edited or confirmed as accurate: 12 months later the profile is stale.
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # When the coordinators were last asked to confirm (once per stale period).
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    search_text: Mapped[str] = mapped_column(sa.Text, default="", deferred=True)

    organization: Mapped[Organization] = relationship(lazy="joined", innerjoin=True)
    updated_by: Mapped[User | None] = relationship()
    _regions: Mapped[list[ProfileRegion]] = relationship(cascade="all, delete-orphan")
    _steps: Mapped[list[ProfileStep]] = relationship(cascade="all, delete-orphan")
    _languages: Mapped[list[ProfileLanguage]] = relationship(cascade="all, delete-orphan")

    @property
    def id(self) -> int:
        """The organization's id: a profile is known by it (links, the guard's records)."""
        return self.organization_id

    @property
    def region_ids(self) -> list[int]:
        return sorted(r.region_id for r in self._regions)

    @property
    def steps(self) -> list[str]:
        chosen = {s.step for s in self._steps}
        return [s.value for s in Step if s.value in chosen]

    @property
    def languages(self) -> list[str]:
        return sorted(row.code for row in self._languages)

    def set_regions(self, ids) -> None:
        self._regions = [ProfileRegion(region_id=i) for i in sorted(set(ids))]

    def set_steps(self, values) -> None:
        self._steps = [ProfileStep(step=v) for v in sorted(set(values))]

    def set_languages(self, codes) -> None:
        self._languages = [ProfileLanguage(code=c) for c in sorted(set(codes))]


class ResourceStatus(enum.StrEnum):
    PENDING = "pending"  # suggested by a member, waiting for the network's team
    PUBLISHED = "published"
    REJECTED = "rejected"


class ResourceRegion(Model):
    __tablename__ = "directory_resource_region"
    __table_args__ = (sa.Index("ix_directory_resource_region_region", "region_id"),)

    resource_id: Mapped[int] = mapped_column(
        sa.ForeignKey("directory_resource.id", ondelete="CASCADE"), primary_key=True
    )
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("region.id", ondelete="CASCADE"), primary_key=True)


class ResourceLanguage(Model):
    __tablename__ = "directory_resource_language"
    __table_args__ = (sa.Index("ix_directory_resource_language_code", "code"),)

    resource_id: Mapped[int] = mapped_column(
        sa.ForeignKey("directory_resource.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(sa.String(8), primary_key=True)


class Resource(Model):
    __tablename__ = "directory_resource"
    __table_args__ = (
        sa.Index("ix_directory_resource_status_name", "status", "name"),
        sa.Index("ix_directory_resource_status_confirmed", "status", "confirmed_at"),
        # A member's own suggestions, listed under every resources page.
        sa.Index("ix_directory_resource_created_by", "created_by_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(20), default="interpreting")
    provider: Mapped[str] = mapped_column(sa.String(200), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    coverage: Mapped[str] = mapped_column(sa.String(20), default="regions")
    in_person: Mapped[bool] = mapped_column(default=False)
    telephone: Mapped[bool] = mapped_column(default=False)
    video: Mapped[bool] = mapped_column(default=False)
    violence_training: Mapped[str] = mapped_column(sa.String(10), default="no")
    training_by: Mapped[str] = mapped_column(sa.String(200), default="")
    cost: Mapped[str] = mapped_column(sa.String(300), default="")
    who_pays: Mapped[str] = mapped_column(sa.String(200), default="")
    how_to_request: Mapped[str] = mapped_column(sa.Text, default="")
    usual_delay: Mapped[str] = mapped_column(sa.String(200), default="")
    contact_name: Mapped[str] = mapped_column(sa.String(120), default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    # May leave the network in the HSDS export.
    shareable: Mapped[bool] = mapped_column(default=False)
    status: Mapped[ResourceStatus] = mapped_column(
        sa.Enum(ResourceStatus, native_enum=False, length=20), default=ResourceStatus.PENDING
    )
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="SET NULL"), index=True
    )  # the organization that added or suggested it
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_org_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="SET NULL")
    )
    search_text: Mapped[str] = mapped_column(sa.Text, default="", deferred=True)

    organization: Mapped[Organization | None] = relationship(foreign_keys=[organization_id])
    confirmed_by: Mapped[Organization | None] = relationship(foreign_keys=[confirmed_by_org_id])
    created_by: Mapped[User | None] = relationship()
    _regions: Mapped[list[ResourceRegion]] = relationship(cascade="all, delete-orphan")
    _languages: Mapped[list[ResourceLanguage]] = relationship(cascade="all, delete-orphan")

    @property
    def region_ids(self) -> list[int]:
        return sorted(r.region_id for r in self._regions)

    @property
    def languages(self) -> list[str]:
        return sorted(row.code for row in self._languages)

    @property
    def modalities(self) -> list[str]:
        return [m for m in ("in_person", "telephone", "video") if getattr(self, m)]

    def set_regions(self, ids) -> None:
        self._regions = [ResourceRegion(region_id=i) for i in sorted(set(ids))]

    def set_languages(self, codes) -> None:
        self._languages = [ResourceLanguage(code=c) for c in sorted(set(codes))]

    @property
    def is_published(self) -> bool:
        return self.status == ResourceStatus.PUBLISHED


class ResourceReport(Model):
    """« Cette fiche n’est plus à jour »: flagged until the network's team resolves it."""

    __tablename__ = "directory_resource_report"
    __table_args__ = (sa.Index("ix_directory_resource_report_open", "resource_id", "resolved_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(sa.ForeignKey("directory_resource.id", ondelete="CASCADE"))
    reporter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organization.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    resource: Mapped[Resource] = relationship()
    organization: Mapped[Organization | None] = relationship()


class ResourceNote(Model):
    """A member's note on a resource (what worked, what to know): read by every member."""

    __tablename__ = "directory_resource_note"
    __table_args__ = (sa.Index("ix_directory_resource_note_resource", "resource_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(sa.ForeignKey("directory_resource.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship(lazy="joined")
