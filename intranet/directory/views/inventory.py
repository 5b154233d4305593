"""The inventory of shared resources, as members read it: finding one, a resource's page, and the
inventory as CSV."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from ...csvexport import MIMETYPE
from ...database import utcnow
from ...security import access
from ...urls import wants_fragment
from .. import policy, vocab
from ..services import exports, profiles, resources
from .common import bp, choice_arg, digits_arg, download, labels, load_resource, region_choices, show_resource


def _resource_filters() -> resources.Filters:
    return resources.Filters(
        q=(request.args.get("q") or "").strip()[:200],
        region_id=digits_arg("region"),
        language=choice_arg("language", vocab.LANGUAGES),
        modality=choice_arg("modality", vocab.MODALITIES),
        kind=choice_arg("kind", {k.value for k in vocab.Kind}),
    )


@bp.route("/ressources/")
@access("member")
def resources_index():
    filters = _resource_filters()
    page = max(digits_arg("page") or 1, 1)
    result = resources.find(filters, page=page)
    args = {
        k: v
        for k, v in {
            "q": filters.q,
            "region": filters.region_id,
            "language": filters.language,
            "modality": filters.modality,
            "kind": filters.kind,
        }.items()  # fmt: skip
        if v
    }
    context = {
        "result": result,
        "filters": filters,
        "args": args,
        "now": utcnow(),
        "needs_verification": resources.needs_verification,
        "regions": profiles.regions_by_id(),
        **labels(),
    }
    if wants_fragment():
        return render_template("directory/_resource_results.html", **context)
    return render_template(
        "directory/resources.html",
        **context,
        region_choices=region_choices(),
        language_choices=vocab.language_choices(),
        mine=resources.suggested_by(current_user),
        desk=resources.desk_counts() if policy.can_moderate(current_user) else None,
    )


@bp.route("/ressources/<int:resource_id>")
@access("member")
def resource(resource_id: int):
    return show_resource(load_resource(resource_id))


@bp.route("/ressources.csv")
@access("member")
def resources_csv():
    return download(exports.resources_csv(), "ressources-partagees.csv", MIMETYPE)
