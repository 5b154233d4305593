"""Exports: CSV lists for members, and an Open Referral HSDS 3.0 datapackage for outside.

The HSDS datapackage holds only what may leave the network: resources marked shareable, and the
public parts of organizations whose profile is marked shareable (name, description, website,
services by step, regions served, languages). Never a porteuse de dossier, a note, a report, a
town's address (there is none), nor anything of a suggestion or a rejected resource. Table and
field names are the specification's (``organizations``, ``services``, ``service_areas``,
``languages``, ``contacts``); ids are stable UUIDs derived from ours.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from flask_babel import force_locale
from sqlalchemy.orm import selectinload

from ...accounts.models import Organization, Region
from ...csvexport import csv_text
from ...database import utcnow
from ...extensions import db
from .. import vocab
from ..models import Profile, Resource, ResourceStatus

NAMESPACE = uuid.UUID("4f7c2b1e-5d0a-4c39-9a57-2e1f3d6b8c40")
HSDS_VERSION = "3.0"
PROVINCE = "Québec"


def hsds_id(kind: str, key) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _day(value: datetime | None) -> str | None:
    return value.date().isoformat() if value else None


def _region_names() -> dict[int, str]:
    return {region_id: name for region_id, name in db.session.execute(sa.select(Region.id, Region.name))}


def _published_resources(*, shareable_only: bool = False):
    query = (
        sa.select(Resource)
        .where(Resource.status == ResourceStatus.PUBLISHED)
        .options(selectinload(Resource._languages), selectinload(Resource._regions))
        .order_by(Resource.name, Resource.id)
    )
    if shareable_only:
        query = query.where(Resource.shareable.is_(True))
    return db.session.scalars(query)


def _profiles(*, shareable_only: bool = False):
    query = (
        sa.select(Profile)
        .join(Profile.organization)
        .where(Organization.active.is_(True), Organization.is_network.is_(False))
        .options(
            selectinload(Profile._regions), selectinload(Profile._steps), selectinload(Profile._languages)
        )
        .order_by(Organization.name)
    )
    if shareable_only:
        query = query.where(Profile.shareable.is_(True))
    return db.session.scalars(query).unique()


def _csv(header: list[str], rows) -> str:
    return csv_text(rows, header=header)


def resources_csv() -> str:
    regions = _region_names()
    header = [
        "id", "name", "kind", "provider", "coverage", "regions", "languages", "modalities",
        "violence_training", "training_by", "cost", "who_pays", "how_to_request", "usual_delay",
        "contact_name", "contact_email", "contact_phone", "website", "last_confirmed", "confirmed_by",
    ]  # fmt: skip
    rows = (
        [
            r.id,
            r.name,
            r.kind,
            r.provider,
            r.coverage,
            "; ".join(regions.get(i, "") for i in r.region_ids),
            "; ".join(f"{vocab.language_name(c)} ({c})" for c in r.languages),
            "; ".join(r.modalities),
            r.violence_training,
            r.training_by,
            r.cost,
            r.who_pays,
            r.how_to_request,
            r.usual_delay,
            r.contact_name,
            r.contact_email,
            r.contact_phone,
            r.website,
            _day(r.confirmed_at) or "",
            r.confirmed_by.name if r.confirmed_by else "",
        ]  # fmt: skip
        for r in _published_resources()
    )
    return _csv(header, rows)


def organizations_csv() -> str:
    regions = _region_names()
    header = [
        "id", "name", "sector", "town", "regions_served", "services", "languages", "approaches",
        "accessibility", "referral", "lead_name", "lead_title", "lead_email", "lead_phone", "website",
        "last_confirmed",
    ]  # fmt: skip
    rows = (
        [
            p.organization_id,
            p.organization.name,
            vocab.sector_group(p.organization.sector.value),
            p.organization.town,
            "; ".join(regions.get(i, "") for i in p.region_ids),
            "; ".join(p.steps),
            "; ".join(p.languages),
            "; ".join(p.approaches),
            p.accessibility,
            p.referral,
            p.lead_name,
            p.lead_title,
            p.lead_email,
            p.lead_phone,
            p.website,
            _day(p.confirmed_at),
        ]  # fmt: skip
        for p in _profiles()
    )
    return _csv(header, rows)


def _language_rows(service_id: str, codes) -> list[dict]:
    return [
        {
            "id": hsds_id("language", f"{service_id}:{code}"),
            "service_id": service_id,
            "location_id": None,
            "phone_id": None,
            "name": vocab.LANGUAGES[code][1] if code in vocab.LANGUAGES else code,
            "code": code,
            "note": None,
        }
        for code in codes
    ]


def _area_rows(service_id: str, names: list[str], *, province: bool = False) -> list[dict]:
    areas = [PROVINCE] if province else names
    return [
        {
            "id": hsds_id("service_area", f"{service_id}:{name}"),
            "service_id": service_id,
            "service_at_location_id": None,
            "name": name,
            "description": None,
            "extent": None,
            "extent_type": None,
            "uri": None,
        }
        for name in areas
    ]


def _service(service_id: str, organization_id: str, **fields) -> dict:
    row = {
        "id": service_id,
        "organization_id": organization_id,
        "program_id": None,
        "name": None,
        "alternate_name": None,
        "description": None,
        "url": None,
        "email": None,
        "status": "active",
        "interpretation_services": None,
        "application_process": None,
        "fees_description": None,
        "wait_time": None,
        "fees": None,
        "accreditations": None,
        "eligibility_description": None,
        "minimum_age": None,
        "maximum_age": None,
        "assured_date": None,
        "assurer_email": None,
        "alert": None,
        "last_modified": None,
    }
    row.update(fields)
    return row


def _organization(org_id: str, name: str, **fields) -> dict:
    row = {
        "id": org_id,
        "name": name,
        "alternate_name": None,
        "description": None,
        "email": None,
        "website": None,
        "tax_status": None,
        "tax_id": None,
        "year_incorporated": None,
        "legal_status": None,
        "logo": None,
        "uri": None,
        "parent_organization_id": None,
    }
    row.update(fields)
    return row


def hsds_datapackage(now: datetime | None = None) -> dict:
    """The shareable part of the directory as an HSDS 3.0 datapackage with inline data."""
    regions = _region_names()
    tables: dict[str, list[dict]] = {
        name: [] for name in ("organizations", "services", "service_areas", "languages", "contacts")
    }
    with force_locale("en"):
        for profile in _profiles(shareable_only=True):
            org = profile.organization
            org_id = hsds_id("organization", org.id)
            tables["organizations"].append(
                _organization(
                    org_id, org.name, description=profile.description or None, website=profile.website or None
                )
            )
            names = [regions[i] for i in profile.region_ids if i in regions]
            for step in profile.steps:
                service_id = hsds_id("service", f"{org.id}:{step}")
                tables["services"].append(
                    _service(
                        service_id,
                        org_id,
                        name=str(vocab.STEP_LABELS[vocab.Step(step)]),
                        application_process=profile.referral or None,
                        assured_date=_day(profile.confirmed_at),
                        last_modified=_iso(profile.updated_at or profile.confirmed_at),
                    )
                )
                tables["service_areas"].extend(_area_rows(service_id, names))
                tables["languages"].extend(_language_rows(service_id, profile.languages))
        providers: dict[str, str] = {}
        for resource in _published_resources(shareable_only=True):
            provider = resource.provider or resource.name
            provider_id = providers.get(provider)
            if provider_id is None:
                provider_id = providers[provider] = hsds_id("provider", provider)
                tables["organizations"].append(_organization(provider_id, provider))
            service_id = hsds_id("resource", resource.id)
            modalities = ", ".join(str(vocab.MODALITY_LABELS[m]) for m in resource.modalities)
            tables["services"].append(
                _service(
                    service_id,
                    provider_id,
                    name=resource.name,
                    description=resource.description or None,
                    url=resource.website or None,
                    email=resource.contact_email or None,
                    interpretation_services=modalities or None,
                    application_process=resource.how_to_request or None,
                    fees_description=" — ".join(x for x in (resource.cost, resource.who_pays) if x) or None,
                    wait_time=resource.usual_delay or None,
                    accreditations=resource.training_by or None,
                    assured_date=_day(resource.confirmed_at),
                    last_modified=_iso(resource.updated_at),
                )
            )
            names = [regions[i] for i in resource.region_ids if i in regions]
            tables["service_areas"].extend(
                _area_rows(service_id, names, province=resource.coverage != vocab.Coverage.REGIONS)
            )
            tables["languages"].extend(_language_rows(service_id, resource.languages))
            if resource.contact_name or resource.contact_email:
                tables["contacts"].append(
                    {
                        "id": hsds_id("contact", resource.id),
                        "organization_id": None,
                        "service_id": service_id,
                        "service_at_location_id": None,
                        "location_id": None,
                        "name": resource.contact_name or None,
                        "title": None,
                        "department": None,
                        "email": resource.contact_email or None,
                    }
                )
    return {
        "name": "passerelle-directory",
        "title": "Passerelle: shared resources and organizations",
        "profile": "tabular-data-package",
        "version": HSDS_VERSION,
        "created": _iso(now or utcnow()),
        "resources": [
            {"name": name, "profile": "tabular-data-resource", "format": "json", "data": rows}
            for name, rows in tables.items()
        ],
    }
