"""Census jobs: the results report of a closed campaign (queue ``pdf``)."""

from __future__ import annotations

from intranet.briefs import download_name, store_pdf
from intranet.census import report
from intranet.census.models import Campaign, CampaignStatus
from intranet.extensions import db

from .runner import set_progress


def render_report(campaign_id: int, locale: str = "fr", *, task_id: int) -> dict:
    """Render the report from the suppressed results; returns where the file is (relative to
    instance/). The read transaction ends before the render, and the file appears whole."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.status != CampaignStatus.CLOSED:
        raise LookupError(f"campaign {campaign_id} has no results to report")
    context = report.report_context(campaign, locale)
    download = download_name(campaign.name, "", default="recensement")
    db.session.rollback()
    set_progress(task_id, 20)
    data = report.render_report_pdf(context)
    set_progress(task_id, 90)
    return store_pdf(data, download, folder="census")
