"""Shared resources: adding and suggesting, approving, confirming, reporting, notes, search."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ... import events
from ...accounts.models import Region, User
from ...database import utcnow
from ...extensions import db
from .. import policy, vocab
from ..models import Resource, ResourceLanguage, ResourceNote, ResourceRegion, ResourceReport, ResourceStatus
from . import query, search_text
from .profiles import NotAllowed

VERIFY_AFTER = timedelta(days=365)
PER_PAGE = 20


@dataclass
class ResourceData:
    name: str
    kind: str
    provider: str = ""
    description: str = ""
    coverage: str = "regions"
    region_ids: list[int] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    modalities: list[str] = field(default_factory=list)
    violence_training: str = "no"
    training_by: str = ""
    cost: str = ""
    who_pays: str = ""
    how_to_request: str = ""
    usual_delay: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    website: str = ""
    shareable: bool = False


def refresh_search_text(resource: Resource) -> None:
    names = (
        []
        if not resource.region_ids
        else list(db.session.scalars(sa.select(Region.name).where(Region.id.in_(resource.region_ids))))
    )
    resource.search_text = search_text.resource_text(resource, names)


def _apply(resource: Resource, data: ResourceData) -> None:
    resource.name = " ".join(data.name.split())[:200]
    resource.kind = data.kind if data.kind in {k.value for k in vocab.Kind} else vocab.Kind.OTHER.value
    resource.coverage = data.coverage if data.coverage in {c.value for c in vocab.Coverage} else "regions"
    resource.set_regions(data.region_ids if resource.coverage == vocab.Coverage.REGIONS else [])
    resource.set_languages([c for c in data.languages if c in vocab.LANGUAGES])
    for modality in vocab.MODALITIES:
        setattr(resource, modality, modality in data.modalities)
    resource.violence_training = (
        data.violence_training if data.violence_training in {t.value for t in vocab.Training} else "no"
    )
    for name in (
        "provider", "description", "training_by", "cost", "who_pays", "how_to_request",
        "usual_delay", "contact_name", "contact_email", "contact_phone", "website",
    ):  # fmt: skip
        setattr(resource, name, (getattr(data, name) or "").strip())
    resource.shareable = bool(data.shareable)


def add_resource(user: User, data: ResourceData, *, now: datetime | None = None) -> Resource:
    """Coordinators and the team publish at once; any other member suggests (the team approves)."""
    now = now or utcnow()
    resource = Resource(
        organization_id=user.organization_id, created_by_id=user.id, created_at=now, updated_at=now
    )
    _apply(resource, data)
    if policy.can_publish_resource(user):
        resource.status = ResourceStatus.PUBLISHED
        resource.published_at = now
        resource.confirmed_at = now
        resource.confirmed_by_org_id = user.organization_id
    else:
        resource.status = ResourceStatus.PENDING
    db.session.add(resource)
    db.session.flush()
    refresh_search_text(resource)
    db.session.flush()
    return resource


def update_resource(
    user: User, resource: Resource, data: ResourceData, *, now: datetime | None = None
) -> Resource:
    if not policy.can_edit_resource(user, resource):
        raise NotAllowed
    now = now or utcnow()
    _apply(resource, data)
    resource.updated_at = now
    if resource.is_published:
        # Whoever edits it vouches for it.
        resource.confirmed_at = now
        resource.confirmed_by_org_id = user.organization_id
    db.session.flush()
    refresh_search_text(resource)
    db.session.flush()
    return resource


def approve(user: User, resource: Resource, *, now: datetime | None = None) -> Resource:
    if not policy.can_moderate(user) or resource.status != ResourceStatus.PENDING:
        raise NotAllowed
    now = now or utcnow()
    resource.status = ResourceStatus.PUBLISHED
    resource.published_at = resource.updated_at = resource.confirmed_at = now
    resource.confirmed_by_org_id = user.organization_id
    db.session.flush()
    _audit(user, resource, "directory.resource_approved")
    return resource


def reject(user: User, resource: Resource) -> Resource:
    if not policy.can_moderate(user) or resource.status != ResourceStatus.PENDING:
        raise NotAllowed
    resource.status = ResourceStatus.REJECTED
    db.session.flush()
    _audit(user, resource, "directory.resource_rejected")
    return resource


def confirm(user: User, resource: Resource, *, now: datetime | None = None) -> Resource:
    """« Toujours à jour »: one click, by any member, for their organization."""
    if not policy.can_confirm(user, resource):
        raise NotAllowed
    resource.confirmed_at = now or utcnow()
    resource.confirmed_by_org_id = user.organization_id
    db.session.flush()
    return resource


def report(user: User, resource: Resource, reason: str, *, now: datetime | None = None) -> ResourceReport:
    if not policy.can_report(user, resource):
        raise NotAllowed
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("a report needs a reason")
    item = ResourceReport(
        resource_id=resource.id,
        reporter_id=user.id,
        organization_id=user.organization_id,
        reason=reason,
        created_at=now or utcnow(),
    )
    db.session.add(item)
    db.session.flush()
    return item


def resolve_reports(user: User, resource: Resource, *, now: datetime | None = None) -> int:
    """The team has checked the resource (and corrected it): its reports are closed."""
    if not policy.can_moderate(user):
        raise NotAllowed
    now = now or utcnow()
    items = list(
        db.session.scalars(
            sa.select(ResourceReport).where(
                ResourceReport.resource_id == resource.id, ResourceReport.resolved_at.is_(None)
            )
        )
    )
    for item in items:
        item.resolved_at = now
        item.resolved_by_id = user.id
    resource.confirmed_at = now
    resource.confirmed_by_org_id = user.organization_id
    db.session.flush()
    _audit(user, resource, "directory.reports_resolved", count=len(items))
    return len(items)


def open_reports(resource: Resource) -> list[ResourceReport]:
    return list(
        db.session.scalars(
            sa.select(ResourceReport)
            .where(ResourceReport.resource_id == resource.id, ResourceReport.resolved_at.is_(None))
            .order_by(ResourceReport.created_at)
        )
    )


def add_note(user: User, resource: Resource, body: str) -> ResourceNote:
    if not policy.can_note(user, resource):
        raise NotAllowed
    body = (body or "").strip()
    if not body:
        raise ValueError("an empty note")
    note = ResourceNote(resource_id=resource.id, author_id=user.id, body=body)
    db.session.add(note)
    db.session.flush()
    return note


def delete_note(user: User, note: ResourceNote) -> None:
    if not policy.can_delete_note(user, note):
        raise NotAllowed
    db.session.delete(note)
    db.session.flush()


def notes(resource: Resource) -> list[ResourceNote]:
    return list(
        db.session.scalars(
            sa.select(ResourceNote)
            .where(ResourceNote.resource_id == resource.id)
            .order_by(ResourceNote.created_at)
        )
    )


def needs_verification(resource: Resource, now: datetime | None = None) -> bool:
    when = resource.confirmed_at or resource.published_at or resource.created_at
    return (now or utcnow()) - when >= VERIFY_AFTER


def _audit(user: User, resource: Resource, action: str, **details) -> None:
    events.audit.send(
        None,
        action=action,
        actor_id=user.id,
        organization_id=resource.organization_id,
        target_type="resource",
        target_id=resource.id,
        details=details,
    )


# --- finding ----------------------------------------------------------------------------------


@dataclass
class Filters:
    q: str = ""
    region_id: int | None = None
    language: str | None = None
    modality: str | None = None
    kind: str | None = None

    @property
    def active(self) -> bool:
        return bool(self.q or self.region_id or self.language or self.modality or self.kind)


@dataclass
class Page:
    items: list[Resource]
    total: int
    page: int
    per_page: int
    flagged: set[int] = field(default_factory=set)

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)


def _covers(region_ids):
    """A resource serves a region when it names it, or covers the province, or works at a distance."""
    return sa.or_(
        Resource.coverage.in_([vocab.Coverage.PROVINCE.value, vocab.Coverage.REMOTE.value]),
        query.linked(Resource.id, ResourceRegion.resource_id, ResourceRegion.region_id.in_(list(region_ids))),
    )


def conditions(filters: Filters) -> list:
    where = [Resource.status == ResourceStatus.PUBLISHED]
    parsed = query.parse(filters.q)
    if filters.region_id:
        where.append(_covers([filters.region_id]))
    if parsed.region_ids:
        where.append(_covers(parsed.region_ids))
    for code in {filters.language, *parsed.languages} - {None}:
        where.append(query.linked(Resource.id, ResourceLanguage.resource_id, ResourceLanguage.code == code))
    if filters.modality in vocab.MODALITIES:
        where.append(getattr(Resource, filters.modality).is_(True))
    if filters.kind in {k.value for k in vocab.Kind}:
        where.append(Resource.kind == filters.kind)
    where.extend(query.text_conditions(Resource.search_text, parsed.terms))
    return where


def flagged_ids(ids: list[int]) -> set[int]:
    if not ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(ResourceReport.resource_id)
            .where(ResourceReport.resource_id.in_(ids), ResourceReport.resolved_at.is_(None))
            .distinct()
        )
    )


def find(filters: Filters, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """A page of published resources matching ``filters``, by name: the page's ids first (walked
    in the order of the name's index, which stops after the page), then the page's rows whole. The
    total is counted apart, and only when the first page is full: a count over the window of the
    page (``count() OVER ()``) made the engine read and sort every match by name for 20 rows."""
    where = conditions(filters)
    page = max(page, 1)
    ids = list(
        db.session.scalars(
            sa.select(Resource.id)
            .where(*where)
            .order_by(Resource.name, Resource.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    if page == 1 and len(ids) < per_page:
        total = len(ids)
    else:
        total = db.session.scalar(sa.select(sa.func.count(Resource.id)).where(*where)) or 0
    loaded = {
        r.id: r
        for r in db.session.scalars(
            sa.select(Resource)
            .where(Resource.id.in_(ids))
            .options(
                selectinload(Resource._languages),
                selectinload(Resource._regions),
                joinedload(Resource.confirmed_by),
            )
        ).unique()
    }
    items = [loaded[i] for i in ids if i in loaded]
    return Page(items, total, page, per_page, flagged_ids([r.id for r in items]))


def pending() -> list[Resource]:
    return list(
        db.session.scalars(
            sa.select(Resource)
            .where(Resource.status == ResourceStatus.PENDING)
            .order_by(Resource.created_at)
            .limit(200)
        )
    )


def suggested_by(user: User) -> list[Resource]:
    return list(
        db.session.scalars(
            sa.select(Resource)
            .where(Resource.created_by_id == user.id, Resource.status != ResourceStatus.PUBLISHED)
            .order_by(Resource.created_at.desc())
            .limit(50)
        )
    )


def to_verify(now: datetime | None = None, limit: int = 200) -> list[Resource]:
    """Published resources unconfirmed for 12 months, oldest first."""
    cutoff = (now or utcnow()) - VERIFY_AFTER
    return list(
        db.session.scalars(
            sa.select(Resource)
            .where(
                Resource.status == ResourceStatus.PUBLISHED,
                sa.func.coalesce(Resource.confirmed_at, Resource.published_at, Resource.created_at) <= cutoff,
            )
            .order_by(sa.func.coalesce(Resource.confirmed_at, Resource.published_at, Resource.created_at))
            .limit(limit)
        )
    )


def reported(limit: int = 200) -> list[Resource]:
    return list(
        db.session.scalars(
            sa.select(Resource)
            .where(
                Resource.id.in_(
                    sa.select(ResourceReport.resource_id).where(ResourceReport.resolved_at.is_(None))
                )
            )
            .order_by(Resource.name)
            .limit(limit)
        )
    )


def desk_counts(now: datetime | None = None) -> dict[str, int]:
    """What the team has to look at: suggestions, reports, resources to verify."""
    cutoff = (now or utcnow()) - VERIFY_AFTER
    published = Resource.status == ResourceStatus.PUBLISHED
    return {
        "pending": db.session.scalar(
            sa.select(sa.func.count(Resource.id)).where(Resource.status == ResourceStatus.PENDING)
        )
        or 0,
        "reported": db.session.scalar(
            sa.select(sa.func.count(sa.distinct(ResourceReport.resource_id))).where(
                ResourceReport.resolved_at.is_(None)
            )
        )
        or 0,
        "to_verify": db.session.scalar(
            sa.select(sa.func.count(Resource.id)).where(
                published,
                sa.func.coalesce(Resource.confirmed_at, Resource.published_at, Resource.created_at) <= cutoff,
            )
        )
        or 0,
    }
