"""Advocacy texts in the header's search (``intranet.search``), within ``services.visible_filter``:
published and archived texts for everyone; texts open for co-signing; an organization's drafts for
its own people only; what was submitted, for the network's team."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, url_for
from flask_babel import lazy_gettext as _l

from ..search import Found, Query, Result, Source, paged, register_source
from ..search.highlight import mark, prefix_matcher, snippet
from ..search.matching import all_words_in_folded
from .models import Position, Status
from .services import visible_filter


def find(query: Query, user, limit: int) -> Found:
    statement = sa.select(Position).where(
        visible_filter(user),
        *all_words_in_folded(Position.search_text, query.words),
    )
    total, positions = paged(
        statement,
        query,
        limit,
        Position.published_at.desc().nulls_last(),
        Position.updated_at.desc(),
        Position.id.desc(),
    )
    matches = prefix_matcher(query.words)
    results = [
        Result(
            mark(p.title, matches),
            url_for("advocacy.show", position_id=p.id),
            snippet(f"{p.summary}\n\n{p.body}", matches),
            " · ".join((str(p.kind_label), p.organization.name)),
            p.published_at or p.updated_at,
            "" if p.status in (Status.PUBLISHED, Status.ARCHIVED) else str(p.status_label),
        )
        for p in positions
    ]
    return Found(total, results)


def register(app: Flask) -> None:
    register_source(app, Source("advocacy", _l("Textes de plaidoyer"), 30, find))
