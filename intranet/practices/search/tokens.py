"""The filter tokens: a practice's visibility, organization, region, themes, approaches and
sectors (``vnetwork o12 t3 r5 afeminist sshelter``) that no text and no query can produce, and
the searcher's visibility and filters in the same tokens. Each engine adds its own marker
(``sqlite.FTS_FACET``, ``postgres.PG_FACET``)."""

from __future__ import annotations

import re

from ..models import Practice, Visibility


def facet_tokens(practice: Practice) -> list[str]:
    """Filter tokens of a practice: visibility, organization, region, themes..."""
    tokens = [f"o{practice.organization_id}"]
    if practice.visibility == Visibility.NETWORK:
        tokens.append("vnetwork")
    if practice.region_id:
        tokens.append(f"r{practice.region_id}")
    tokens += [f"t{t.id}" for t in practice.themes]
    tokens += [f"a{a}" for a in practice.approaches]
    tokens += [f"s{s}" for s in practice.sectors]
    return tokens


def _facet_tokens(user, filters) -> tuple[list[str], list[str]]:
    """Visibility (any of) and the filters (all of) as facet tokens, without the engine's marker."""
    any_of = ["vnetwork", f"o{int(user.organization_id)}"]
    all_of = []
    if filters.theme_id:
        all_of.append(f"t{int(filters.theme_id)}")
    if filters.region_id:
        all_of.append(f"r{int(filters.region_id)}")
    if filters.organization_id:
        all_of.append(f"o{int(filters.organization_id)}")
    if filters.approach:
        all_of.append("a" + re.sub(r"[^a-z]", "", filters.approach))
    if filters.sector:
        all_of.append("s" + re.sub(r"[^a-z]", "", filters.sector))
    return any_of, all_of
