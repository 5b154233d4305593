"""Organizations and shared resources in the header's search (``intranet.search``).

The directory's own searches answer (accents optional, a region or a language read from the
box): active member organizations, published resources only (a suggestion waits for the team).
The directory is for members, and every signed-in person is one."""

from __future__ import annotations

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l

from ..search import Found, Query, Result, Source, register_source
from ..search.highlight import mark, prefix_matcher, snippet
from . import vocab
from .services import profiles, resources
from .services import query as box


def _matcher(query: Query, parsed_terms: list[str]):
    return prefix_matcher([*query.words, *parsed_terms])


def find_organizations(query: Query, user, limit: int) -> Found:
    page = profiles.find(user, profiles.Filters(q=query.text), page=query.page, per_page=limit)
    matches = _matcher(query, page.parsed.terms)
    results = []
    for profile in page.items:
        organization = profile.organization
        text = " ".join(t for t in (profile.description, profile.services_details, profile.referral) if t)
        meta = " · ".join(
            str(m)
            for m in (
                vocab.SECTOR_LABELS.get(vocab.sector_group(organization.sector.value)),
                organization.town,
            )
            if m
        )
        results.append(
            Result(
                mark(organization.name, matches),
                url_for("directory.profile", organization_id=organization.id),
                snippet(text, matches),
                meta,
            )
        )
    return Found(page.total, results, more_url=url_for("directory.index", q=query.text))


def find_resources(query: Query, user, limit: int) -> Found:
    page = resources.find(resources.Filters(q=query.text), page=query.page, per_page=limit)
    matches = _matcher(query, box.parse(query.text).terms)
    results = []
    for resource in page.items:
        languages = ", ".join(vocab.language_name(code) for code in resource.languages[:4])
        meta = " · ".join(
            m for m in (str(vocab.KIND_LABELS.get(resource.kind, "")), resource.provider, languages) if m
        )
        results.append(
            Result(
                mark(resource.name, matches),
                url_for("directory.resource", resource_id=resource.id),
                snippet(resource.description, matches),
                meta,
                resource.confirmed_at,
            )
        )
    return Found(page.total, results, more_url=url_for("directory.resources_index", q=query.text))


def register(app: Flask) -> None:
    register_source(app, Source("organizations", _l("Organismes du répertoire"), 40, find_organizations))
    register_source(app, Source("resources", _l("Ressources partagées"), 45, find_resources))
