"""The directory of organizations, as members read it: finding one, a region's organizations, an
organization's profile, and the directory as CSV and as an HSDS data package."""

from __future__ import annotations

import json

from flask import render_template, request
from flask_login import current_user

from ...csvexport import MIMETYPE
from ...database import utcnow
from ...security import access, found, require
from ...urls import wants_fragment
from .. import policy, vocab
from ..services import exports, profiles
from .common import bp, choice_arg, digits_arg, download, labels, load_profile, region_choices


@bp.route("/repertoire/")
@access("member")
def index():
    filters = profiles.Filters(
        q=(request.args.get("q") or "").strip()[:200],
        region_id=digits_arg("region"),
        sector=choice_arg("sector", vocab.SECTOR_GROUPS),
        step=choice_arg("service", {s.value for s in vocab.Step}),
        language=choice_arg("language", vocab.LANGUAGES),
    )
    page = max(digits_arg("page") or 1, 1)
    result = profiles.find(current_user, filters, page=page)
    args = {
        k: v
        for k, v in {
            "q": filters.q,
            "region": filters.region_id,
            "sector": filters.sector,
            "service": filters.step,
            "language": filters.language,
        }.items()  # fmt: skip
        if v
    }
    regions = profiles.regions_by_id()
    context = {
        "result": result,
        "filters": filters,
        "args": args,
        "regions": regions,
        "now": utcnow(),
        "is_stale": profiles.is_stale,
        **labels(),
    }
    if wants_fragment():
        return render_template("directory/_org_results.html", **context)
    return render_template(
        "directory/index.html",
        **context,
        region_choices=region_choices(),
        language_choices=vocab.language_choices(),
        counts=profiles.region_counts() if not filters.active else {},
    )


@bp.route("/repertoire/regions/<int:region_id>")
@access("member")
def region(region_id: int):
    chosen = found(profiles.regions_by_id().get(region_id))
    return render_template(
        "directory/region.html",
        region=chosen,
        grouped=profiles.region_overview(chosen),
        now=utcnow(),
        is_stale=profiles.is_stale,
        **labels(),
    )


@bp.route("/repertoire/organismes/<int:organization_id>")
@access("member")
def profile(organization_id: int):
    shown = load_profile(organization_id)
    require(shown.organization.active)
    now = utcnow()
    return render_template(
        "directory/profile.html",
        profile=shown,
        org=shown.organization,
        regions=profiles.regions_by_id(),
        stale=profiles.is_stale(shown, now),
        months=profiles.months_since(shown.confirmed_at, now),
        can_edit=policy.can_edit_profile(current_user, shown.organization),
        linked=profiles.linked_content(current_user, shown.organization),
        **labels(),
    )


@bp.route("/repertoire/organismes.csv")
@access("member")
def organizations_csv():
    return download(exports.organizations_csv(), "repertoire-organismes.csv", MIMETYPE)


@bp.route("/repertoire/hsds.json")
@access("member")
def hsds():
    body = json.dumps(exports.hsds_datapackage(), ensure_ascii=False, indent=1)
    return download(body, "passerelle-hsds-datapackage.json", "application/json")
