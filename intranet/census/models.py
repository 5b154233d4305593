"""Network censuses: campaigns, their questionnaires of counts, and each organization's answers.

An organization's figures belong to it: they are read back only by its coordinators, and reach
anyone else only through ``intranet.census.aggregates`` (suppressed aggregates).
"""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Organization, User
from ..database import UTCDateTime, utcnow
from ..extensions import Model


class Period(enum.StrEnum):
    DAY = "day"
    QUARTER = "quarter"
    YEAR = "year"


PERIOD_LABELS = {
    Period.DAY: _l("Une journée"),
    Period.QUARTER: _l("Un trimestre"),
    Period.YEAR: _l("Une année"),
}


class CampaignStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


STATUS_LABELS = {
    CampaignStatus.DRAFT: _l("En préparation"),
    CampaignStatus.OPEN: _l("Ouvert aux réponses"),
    CampaignStatus.CLOSED: _l("Fermé"),
}


class Breakdown(enum.StrEnum):
    CHILD_AGE = "child_age"
    ADULT_AGE = "adult_age"
    LANGUAGE = "language"


BREAKDOWN_LABELS = {
    Breakdown.CHILD_AGE: _l("Par tranche d’âge (enfants)"),
    Breakdown.ADULT_AGE: _l("Par tranche d’âge (adultes)"),
    Breakdown.LANGUAGE: _l("Par langue"),
}

# The categories of each breakdown: (key, label). Keys are stored; labels follow the reader.
CATEGORIES: dict[Breakdown, tuple[tuple[str, object], ...]] = {
    Breakdown.CHILD_AGE: (
        ("0-5", _l("0 à 5 ans")),
        ("6-11", _l("6 à 11 ans")),
        ("12-17", _l("12 à 17 ans")),
    ),
    Breakdown.ADULT_AGE: (
        ("18-29", _l("18 à 29 ans")),
        ("30-49", _l("30 à 49 ans")),
        ("50+", _l("50 ans et plus")),
    ),
    Breakdown.LANGUAGE: (
        ("fr", _l("Français")),
        ("en", _l("Anglais")),
        ("es", _l("Espagnol")),
        ("ar", _l("Arabe")),
        ("other", _l("Autres langues")),
    ),
}


def categories(breakdown: str | None) -> tuple[tuple[str, object], ...]:
    return CATEGORIES.get(Breakdown(breakdown), ()) if breakdown else ()


class Campaign(Model):
    __tablename__ = "census_campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    period: Mapped[Period] = mapped_column(sa.Enum(Period, native_enum=False, length=10), default=Period.YEAR)
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[CampaignStatus] = mapped_column(
        sa.Enum(CampaignStatus, native_enum=False, length=10), default=CampaignStatus.DRAFT, index=True
    )
    # Who is asked: sectors (values of Sector) and regions (ids); an empty list means all of them.
    sectors: Mapped[list] = mapped_column(sa.JSON, default=list)
    region_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    highlights_question: Mapped[str] = mapped_column(sa.String(500), default="")
    closes_on: Mapped[date | None] = mapped_column(sa.Date)  # the date announced to coordinators
    copied_from_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("census_campaign.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    highlights_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A random token renewed whenever what the results are computed from changes (answers,
    # status): results computed once are reused while it stays the same.
    revision: Mapped[str] = mapped_column(sa.String(32), default=lambda: secrets.token_hex(16))

    questions: Mapped[list[Question]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", order_by="Question.position, Question.id"
    )

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def period_label(self):
        return PERIOD_LABELS[self.period]

    def touch(self) -> None:
        self.revision = secrets.token_hex(16)

    def __repr__(self) -> str:
        return f"<Campaign {self.id} {self.status}>"


class Question(Model):
    """An aggregate count. A part (``parent_id``) adds up with its siblings to its parent's count;
    a breakdown splits the count into categories that add up to it."""

    __tablename__ = "census_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        sa.ForeignKey("census_campaign.id", ondelete="CASCADE"), index=True
    )
    # Stable across copies of a questionnaire: year-over-year figures follow the key.
    key: Mapped[str] = mapped_column(sa.String(60))
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(sa.String(200))
    definition: Mapped[str] = mapped_column(sa.Text, default="")
    breakdown: Mapped[str | None] = mapped_column(sa.String(20))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("census_question.id", ondelete="CASCADE"))

    campaign: Mapped[Campaign] = relationship(back_populates="questions")

    __table_args__ = (sa.UniqueConstraint("campaign_id", "key", name="uq_census_question_key"),)

    @property
    def categories(self):
        return categories(self.breakdown)

    def __repr__(self) -> str:
        return f"<Question {self.id} {self.key}>"


class ResponseStatus(enum.StrEnum):
    PENDING = "pending"  # asked, nothing saved yet
    DRAFT = "draft"
    SUBMITTED = "submitted"


RESPONSE_LABELS = {
    ResponseStatus.PENDING: _l("Pas commencé"),
    ResponseStatus.DRAFT: _l("En cours"),
    ResponseStatus.SUBMITTED: _l("Transmis"),
}


class Response(Model):
    """One organization's answer to one campaign (a row per organization asked, made at opening).

    The region is the organization's when it was asked, so the results do not move if it moves."""

    __tablename__ = "census_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("census_campaign.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("region.id"))
    status: Mapped[ResponseStatus] = mapped_column(
        sa.Enum(ResponseStatus, native_enum=False, length=10), default=ResponseStatus.PENDING
    )
    highlights: Mapped[str] = mapped_column(sa.Text, default="")
    highlights_published: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    campaign: Mapped[Campaign] = relationship()
    organization: Mapped[Organization] = relationship()
    updated_by: Mapped[User | None] = relationship()
    values: Mapped[list[Value]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "organization_id", name="uq_census_response_org"),
        sa.Index("ix_census_response_campaign_status", "campaign_id", "status"),
    )

    @property
    def status_label(self):
        return RESPONSE_LABELS[self.status]

    def figures(self) -> dict[tuple[int, str], int]:
        """(question id, category or "") -> figure."""
        return {(v.question_id, v.category): v.value for v in self.values}


class Value(Model):
    """One figure of a response: a question's count (category "") or one category of its breakdown."""

    __tablename__ = "census_value"

    response_id: Mapped[int] = mapped_column(
        sa.ForeignKey("census_response.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("census_question.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    category: Mapped[str] = mapped_column(sa.String(20), primary_key=True, default="")
    value: Mapped[int] = mapped_column(sa.Integer)


class Total(Model):
    """The sums of a closed campaign's submitted figures by question, region and category, written
    once when it closes (one INSERT ... SELECT) so that results read a few thousand rows, not every
    figure. Only ``intranet.census.aggregates`` reads them, and shows them only suppressed."""

    __tablename__ = "census_total"

    campaign_id: Mapped[int] = mapped_column(
        sa.ForeignKey("census_campaign.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("census_question.id", ondelete="CASCADE"), primary_key=True
    )
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("region.id"), primary_key=True)
    category: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    total: Mapped[int] = mapped_column(sa.BigInteger)
    positive: Mapped[int] = mapped_column(sa.Integer)  # organizations whose figure is above zero


class CensusSettings(Model):
    """The network's census settings: one row (id 1); none means the defaults."""

    __tablename__ = "census_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    min_count: Mapped[int] = mapped_column(default=5)  # k: the smallest figure shown
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
