"""``/recherche``: every source's first results, grouped by kind; or one kind, page by page."""

from __future__ import annotations

import math

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user

from ..params import int_arg
from ..security import access
from . import make_query, search_all, source

bp = Blueprint("search", __name__, url_prefix="/recherche")

PER_KIND = 4  # on the page of every kind
PER_PAGE = 20  # on the page of one kind
MAX_PAGE = 50


@bp.route("/")
@access("member")
def index():
    query = make_query(request.args.get("q"), int_arg("page", 1, maximum=MAX_PAGE))
    only = source(request.args.get("type"))
    if only is not None and not query.empty:
        found = only.search(query, current_user, PER_PAGE)
        pages = min(MAX_PAGE, max(1, math.ceil(found.count / PER_PAGE)))

        def page_url(number: int) -> str | None:
            if 1 <= number <= pages and number != query.page:
                return url_for("search.index", q=query.text, type=only.kind, page=number)
            return None

        return render_template(
            "search/kind.html", query=query, source=only, found=found, pages=pages, page_url=page_url
        )
    groups = search_all(query, current_user, PER_KIND)
    return render_template(
        "search/index.html",
        query=query,
        groups=[(s, f) for s, f in groups if f.count],
        nothing_in=[s.label for s, f in groups if not f.count],
    )
