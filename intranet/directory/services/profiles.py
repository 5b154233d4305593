"""Organizations' profiles: reading the directory, editing and confirming a profile."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import selectinload

from ... import events
from ...accounts.models import Organization, Region, Sector, User
from ...advocacy import services as advocacy
from ...database import utcnow
from ...extensions import db
from ...practices import services as practices
from ...trainings import services as trainings
from .. import policy, vocab
from ..models import Profile, ProfileLanguage, ProfileRegion, ProfileStep, Resource
from . import query, search_text

STALE_AFTER = timedelta(days=365)
PER_PAGE = 25


class NotAllowed(Exception):
    pass


# --- every organization has a profile row -----------------------------------------------------


@event.listens_for(Organization, "after_insert")
def _new_organization(mapper, connection, target: Organization) -> None:
    """An organization appears in the directory as soon as it exists (its profile to complete)."""
    now = utcnow()
    connection.execute(
        sa.insert(Profile).values(
            organization_id=target.id,
            description="",
            services_details="",
            approaches=[],
            accessibility="",
            referral="",
            lead_name="",
            lead_title="",
            lead_email="",
            lead_phone="",
            website="",
            shareable=False,
            confirmed_at=target.created_at or now,
            search_text=search_text.compose(target.name, target.town),
        )
    )
    if target.region_id is not None:
        connection.execute(
            sa.insert(ProfileRegion).values(organization_id=target.id, region_id=target.region_id)
        )


def ensure_profile(organization: Organization) -> Profile:
    profile = db.session.get(Profile, organization.id)
    if profile is None:
        profile = Profile(organization_id=organization.id, organization=organization, approaches=[])
        profile.set_regions([organization.region_id])
        db.session.add(profile)
        db.session.flush()
        refresh_search_text(profile)
    return profile


def refresh_search_text(profile: Profile) -> None:
    names = (
        []
        if not profile.region_ids
        else list(db.session.scalars(sa.select(Region.name).where(Region.id.in_(profile.region_ids))))
    )
    profile.search_text = search_text.profile_text(profile, profile.organization, names)


def reindex_all() -> int:
    from .resources import refresh_search_text as refresh_resource  # cycle: resources imports profiles

    count = 0
    for org in db.session.scalars(sa.select(Organization)):
        refresh_search_text(ensure_profile(org))
        count += 1
    for resource in db.session.scalars(sa.select(Resource)):
        refresh_resource(resource)
        count += 1
    db.session.flush()
    return count


# --- reading ----------------------------------------------------------------------------------


def get_profile(organization_id: int) -> Profile | None:
    profile = db.session.get(Profile, organization_id)
    if profile is None or profile.organization.is_network:
        return None
    return profile


def is_stale(profile: Profile, now: datetime | None = None) -> bool:
    return (now or utcnow()) - profile.confirmed_at >= STALE_AFTER


def months_since(when: datetime, now: datetime | None = None) -> int:
    now = now or utcnow()
    return max((now.year - when.year) * 12 + now.month - when.month - (now.day < when.day), 0)


@dataclass
class Filters:
    q: str = ""
    region_id: int | None = None
    sector: str | None = None
    step: str | None = None
    language: str | None = None

    @property
    def active(self) -> bool:
        return bool(self.q or self.region_id or self.sector or self.step or self.language)


@dataclass
class Page:
    items: list[Profile]
    total: int
    page: int
    per_page: int
    parsed: query.Parsed = field(default_factory=query.Parsed)

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)


def _in_regions(region_ids):
    return query.linked(
        Profile.organization_id, ProfileRegion.organization_id, ProfileRegion.region_id.in_(list(region_ids))
    )


def _conditions(filters: Filters) -> tuple[list, query.Parsed]:
    where = [Organization.active.is_(True), Organization.is_network.is_(False)]
    parsed = query.parse(filters.q)
    if filters.region_id:
        where.append(_in_regions([filters.region_id]))
    if parsed.region_ids:
        where.append(_in_regions(parsed.region_ids))
    if filters.sector in vocab.SECTOR_GROUPS:
        where.append(Organization.sector.in_([Sector(s) for s in vocab.SECTOR_GROUPS[filters.sector]]))
    if filters.step:
        where.append(
            query.linked(
                Profile.organization_id, ProfileStep.organization_id, ProfileStep.step == filters.step
            )
        )
    for code in {filters.language, *parsed.languages} - {None}:
        where.append(
            query.linked(
                Profile.organization_id, ProfileLanguage.organization_id, ProfileLanguage.code == code
            )
        )
    where.extend(query.text_conditions(Profile.search_text, parsed.terms))
    return where, parsed


def find(user: User, filters: Filters, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """The directory: every active member organization matching the filters, by name. The page's
    ids first, then their profiles whole; the total is counted apart when the first page is full
    (as ``resources.find``: a window count read and sorted every match for one page)."""
    where, parsed = _conditions(filters)
    page = max(page, 1)
    ids = list(
        db.session.scalars(
            sa.select(Profile.organization_id)
            .join(Profile.organization)
            .where(*where)
            .order_by(Organization.name, Organization.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    if page == 1 and len(ids) < per_page:
        total = len(ids)
    else:
        total = (
            db.session.scalar(
                sa.select(sa.func.count(Profile.organization_id)).join(Profile.organization).where(*where)
            )
            or 0
        )
    loaded = {
        p.organization_id: p
        for p in db.session.scalars(
            sa.select(Profile)
            .where(Profile.organization_id.in_(ids))
            .options(
                selectinload(Profile._regions), selectinload(Profile._steps), selectinload(Profile._languages)
            )
        ).unique()
    }
    items = [loaded[i] for i in ids if i in loaded]
    return Page(items, total, page, per_page, parsed)


def region_overview(region: Region) -> dict[str, list[Profile]]:
    """A region's organizations, by sector (violence and immigration side by side)."""
    rows = db.session.scalars(
        sa.select(Profile)
        .join(Profile.organization)
        .where(Organization.active.is_(True), Organization.is_network.is_(False), _in_regions([region.id]))
        .order_by(Organization.name)
        .limit(400)
    ).unique()
    grouped: dict[str, list[Profile]] = {group: [] for group in vocab.SECTOR_GROUPS}
    for profile in rows:
        grouped[vocab.sector_group(profile.organization.sector.value)].append(profile)
    return grouped


def regions_by_id() -> dict[int, Region]:
    return query.regions_by_id()


def region_counts() -> dict[int, dict[str, int]]:
    """How many organizations of each sector serve each region (the directory's overview)."""
    rows = db.session.execute(
        sa.select(ProfileRegion.region_id, Organization.sector, sa.func.count())
        .join(Organization, Organization.id == ProfileRegion.organization_id)
        .where(Organization.active.is_(True), Organization.is_network.is_(False))
        .group_by(ProfileRegion.region_id, Organization.sector)
    ).all()
    counts: dict[int, dict[str, int]] = {}
    for region_id, sector, n in rows:
        group = vocab.sector_group(sector.value if hasattr(sector, "value") else sector)
        counts.setdefault(region_id, {}).setdefault(group, 0)
        counts[region_id][group] += n
    return counts


def linked_content(user: User, organization: Organization) -> dict:
    """What the profile links to, each through its own feature's rules."""
    return {
        "practices": practices.published_by_organization(user, organization.id, limit=5),
        "sessions": trainings.upcoming_in_region(organization.region_id, limit=5),
        "positions": advocacy.cosigned_by(organization.id, limit=5),
        # What other features offer through intranet.events (a table's adopted protocols...).
        "more": events.profile_content(user, organization.id),
    }


# --- editing ----------------------------------------------------------------------------------


@dataclass
class ProfileData:
    town: str
    region_ids: list[int]
    steps: list[str]
    languages: list[str]
    approaches: list[str]
    description: str = ""
    services_details: str = ""
    accessibility: str = ""
    referral: str = ""
    lead_name: str = ""
    lead_title: str = ""
    lead_email: str = ""
    lead_phone: str = ""
    website: str = ""
    shareable: bool = False
    sector: str | None = None  # the team's to change (policy.can_change_sector)


def save_profile(user: User, profile: Profile, data: ProfileData, *, now: datetime | None = None) -> Profile:
    organization = profile.organization
    if not policy.can_edit_profile(user, organization):
        raise NotAllowed
    now = now or utcnow()
    organization.town = " ".join(data.town.split())[:120]
    if data.sector and policy.can_change_sector(user) and data.sector in {s.value for s in Sector}:
        organization.sector = Sector(data.sector)
    # The home region is always served.
    profile.set_regions({*data.region_ids, organization.region_id})
    profile.set_steps([s for s in data.steps if s in {x.value for x in vocab.Step}])
    profile.set_languages([c for c in data.languages if c in vocab.LANGUAGES])
    profile.approaches = sorted(a for a in set(data.approaches) if a in vocab.APPROACH_LABELS)
    for name in (
        "description", "services_details", "accessibility", "referral",
        "lead_name", "lead_title", "lead_email", "lead_phone", "website",
    ):  # fmt: skip
        setattr(profile, name, (getattr(data, name) or "").strip())
    profile.shareable = bool(data.shareable)
    profile.updated_at = now
    profile.updated_by_id = user.id
    profile.confirmed_at = now
    profile.reminded_at = None
    db.session.flush()
    refresh_search_text(profile)
    db.session.flush()
    events.audit.send(
        None,
        action="directory.profile_updated",
        actor_id=user.id,
        organization_id=organization.id,
        target_type="organization",
        target_id=organization.id,
        details={},
    )
    return profile


def confirm_profile(user: User, profile: Profile, *, now: datetime | None = None) -> Profile:
    """« Notre profil est à jour »: the coordinators confirm without changing anything."""
    if not policy.can_edit_profile(user, profile.organization):
        raise NotAllowed
    profile.confirmed_at = now or utcnow()
    profile.reminded_at = None
    db.session.flush()
    return profile
