"""Who may see and do what with censuses: the one place the views and services ask.

* Network staff prepare campaigns, open and close them, see participation (who answered, never
  what) and remind; they publish the highlights they choose, without knowing whose they are.
* A coordinator answers for their own organization only, while the campaign is open; they read
  their organization's figures back beside the aggregates.
* Every member reads the results of a closed campaign: suppressed aggregates only.
"""

from __future__ import annotations

from ..accounts.models import User
from .models import Campaign, CampaignStatus, Response


def can_manage(user: User) -> bool:
    return user.is_authenticated and user.is_staff


def can_see_campaign(user: User, campaign: Campaign) -> bool:
    return can_manage(user) or (user.is_authenticated and campaign.status != CampaignStatus.DRAFT)


def can_edit_questionnaire(user: User, campaign: Campaign) -> bool:
    return can_manage(user) and campaign.status == CampaignStatus.DRAFT


def can_answer(user: User, response: Response | None) -> bool:
    return (
        response is not None
        and user.is_authenticated
        and user.is_coordinator_of(response.organization_id)
        and response.campaign.status == CampaignStatus.OPEN
    )


def can_read_own(user: User, response: Response | None) -> bool:
    """An organization's own figures: its coordinators, and nobody else (not even the staff)."""
    return response is not None and user.is_authenticated and user.is_coordinator_of(response.organization_id)


def can_see_results(user: User, campaign: Campaign) -> bool:
    return user.is_authenticated and campaign.status == CampaignStatus.CLOSED


def can_see_highlights(user: User, campaign: Campaign) -> bool:
    return can_see_results(user, campaign) and campaign.highlights_published_at is not None
