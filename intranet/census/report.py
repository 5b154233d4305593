"""The results report (PDF, rendered by a worker) and the CSV: both read the suppressed results only.

The PDF template gets primitives (strings, lists, SVG built here); nothing of one organization
reaches it, except the highlights the staff published, which carry no organization's name.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from markupsafe import Markup

from ..accounts.models import User
from ..extensions import db
from ..network import CSS_PAGE_SIZES, paper_size
from ..pdf import render_pdf
from ..tasks.models import TaskRecord, TaskStatus
from ..tasks.services import submit_task
from . import aggregates, charts, policy
from .models import Campaign, categories
from .services import campaigns
from .suppression import Shown, State

REPORT_TASK_KIND = "census_report"


# --- CSV --------------------------------------------------------------------------------------


def _csv_value(cell: Shown) -> str:
    if cell.state == State.SHOWN:
        return str(cell.value)
    return f"< {cell.k}" if cell.state == State.SMALL else "—"


def csv_rows(campaign: Campaign, results: aggregates.Results) -> list[list[str]]:
    network = _("Ensemble du réseau")
    rows = [[_("Code"), _("Question"), _("Région"), _("Catégorie"), _("Chiffre")]]
    for q in results.questions:
        labels = dict(categories(q.breakdown))
        rows.append([q.key, q.label, network, "", _csv_value(q.network)])
        for c in q.categories:
            rows.append([q.key, q.label, network, str(labels[c]), _csv_value(q.by_category[c])])
        for region_id, name in results.regions:
            rows.append([q.key, q.label, name, "", _csv_value(q.by_region[region_id])])
            for c in q.categories:
                rows.append([q.key, q.label, name, str(labels[c]), _csv_value(q.grid[(region_id, c)])])
    return rows


# --- PDF --------------------------------------------------------------------------------------


def report_context(campaign: Campaign, locale: str) -> dict:
    """Everything the report template needs, as primitives, in ``locale``."""
    results = aggregates.results(campaign)
    with force_locale(locale):
        questions = []
        for q in results.questions:
            labels = dict(categories(q.breakdown))
            regions = [(name, charts.cell_text(q.by_region[rid])) for rid, name in results.regions]
            questions.append(
                {
                    "label": q.label,
                    "definition": q.definition,
                    "network": charts.cell_text(q.network),
                    "categories": [
                        (str(labels[c]), charts.cell_text(q.by_category[c])) for c in q.categories
                    ],
                    "regions": regions,
                    "chart": charts.bar_chart(
                        f"c{q.id}",
                        _("%(q)s par région", q=q.label),
                        [(name, q.by_region[rid]) for rid, name in results.regions],
                    ),
                }
            )
        return {
            "lang": locale,
            "network_name": current_app.config["NETWORK_NAME"],
            "title": campaign.name,
            "period": _(
                "du %(start)s au %(end)s",
                start=format_date(campaign.starts_on, "long"),
                end=format_date(campaign.ends_on, "long"),
            ),
            "k": results.k,
            "respondents": results.respondents,
            "questions": questions,
            "highlights": campaigns.published_highlights(campaign),
            "page_size": CSS_PAGE_SIZES[paper_size()],  # the network's paper (intranet/network.py)
        }


def report_html(context: dict) -> str:
    assert current_app.template_folder is not None  # create_app names it
    css = (Path(current_app.template_folder) / "census" / "pdf" / "report.css").read_text(encoding="utf-8")
    with force_locale(context["lang"]):
        return render_template("census/pdf/report.html", css=Markup(css), **context)


def render_report_pdf(context: dict) -> bytes:
    return render_pdf(report_html(context), metadata_title=context["title"])


def _cache_key(campaign: Campaign, locale: str) -> str:
    return f"census-report:{campaign.id}:{campaign.revision}:{aggregates.threshold()}:{locale}:{paper_size()}"


def _locale(user: User) -> str:
    return user.locale if user.locale in ("fr", "en") else "fr"


def request_report(user: User, campaign: Campaign) -> TaskRecord:
    """Ask a worker for the report; the same results in the same language reuse their file."""
    locale = _locale(user)
    return submit_task(
        kind=REPORT_TASK_KIND,
        func="jobs.census.render_report",
        args=[campaign.id, locale],
        user=user,
        queue="pdf",
        cache_key=_cache_key(campaign, locale),
    )


def current_task(user: User, campaign: Campaign) -> TaskRecord | None:
    return db.session.scalar(
        sa.select(TaskRecord)
        .where(
            TaskRecord.cache_key == _cache_key(campaign, _locale(user)),
            TaskRecord.status != TaskStatus.FAILED,
        )
        .order_by(TaskRecord.id.desc())
        .limit(1)
    )


def can_see_report_task(task: TaskRecord, user: User) -> bool:
    """Whoever may read the campaign's results may download its report (aggregates only), while
    the campaign stays closed (a reopened campaign withdraws its results)."""
    try:
        campaign = db.session.get(Campaign, int(task.args[0]))
    except (IndexError, TypeError, ValueError):
        return False
    return campaign is not None and policy.can_see_results(user, campaign)
