"""People, organizations and regions. No street address is stored anywhere (DOMAIN rule 1)."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime, utcnow
from ..extensions import Model


class Sector(enum.StrEnum):
    SHELTER = "shelter"
    VIOLENCE = "violence"
    IMMIGRATION = "immigration"
    OTHER = "other"


class Role(enum.StrEnum):
    MEMBER = "member"
    COORDINATOR = "coordinator"
    STAFF = "staff"
    ADMIN = "admin"


ROLE_RANK = {Role.MEMBER: 0, Role.COORDINATOR: 1, Role.STAFF: 2, Role.ADMIN: 3}


class Region(Model):
    __tablename__ = "region"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)

    def __repr__(self) -> str:
        return f"<Region {self.slug}>"


class Organization(Model):
    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    sector: Mapped[Sector] = mapped_column(sa.Enum(Sector, native_enum=False, length=20))
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("region.id"), index=True)
    town: Mapped[str] = mapped_column(sa.String(120))
    # The network's own team (staff, administrators) belongs to the network organization.
    is_network: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    region: Mapped[Region] = relationship(lazy="joined")
    members: Mapped[list[User]] = relationship(back_populates="organization", order_by="User.name")

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.name!r}>"


class User(UserMixin, Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(sa.Enum(Role, native_enum=False, length=20), default=Role.MEMBER)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    locale: Mapped[str] = mapped_column(sa.String(5), default="fr")
    active: Mapped[bool] = mapped_column(default=True)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Stable random id for links and tokens, so emails never carry a guessable sequence number.
    public_id: Mapped[str] = mapped_column(sa.String(32), unique=True, default=lambda: secrets.token_hex(16))
    # Two-factor sign-in (TOTP). The secret is set at enrolment and confirmed by a first code;
    # ``totp_last_step`` refuses a code used twice (RFC 6238 section 5.2).
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    # Lockout: consecutive failures slow the next attempts down, for a few minutes at most.
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A closed account keeps its row (the organization's content keeps its author) but no personal data.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship(back_populates="members", lazy="joined")

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def has_password(self) -> bool:
        return bool(self.password_hash)

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_enabled_at is not None and bool(self.totp_secret)

    @property
    def two_factor_required(self) -> bool:
        """Staff and administrators must sign in with a second factor."""
        return self.role in (Role.STAFF, Role.ADMIN)

    @property
    def rank(self) -> int:
        return ROLE_RANK[self.role]

    def at_least(self, role: Role) -> bool:
        return self.rank >= ROLE_RANK[role]

    @property
    def is_staff(self) -> bool:
        return self.at_least(Role.STAFF)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def is_coordinator_of(self, organization_id: int) -> bool:
        return self.role == Role.COORDINATOR and self.organization_id == organization_id

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class UserSession(Model):
    """A server-side record of a signed-in browser; deleting it signs that browser out."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_agent: Mapped[str] = mapped_column(sa.String(200), default="")

    user: Mapped[User] = relationship()


class RecoveryCode(Model):
    """One-time codes for when the authenticator is lost; only their hash is stored."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
