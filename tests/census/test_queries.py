"""SQL statements of a campaign's results: as many with eight answers as with five."""

from __future__ import annotations

from tests.support import assert_flat_queries

BUDGET = 10  # 7 on SQLite on 2026-12-07, plus three


def test_census_results(login_as, census, make_org, count_queries):
    from intranet.census.services import campaigns

    orgs = [make_org(f"Maison du recensement {i}") for i in range(12)]
    campaign = census.campaign(orgs)
    answered = iter(orgs)

    def more_answers(n=3):
        if n == 3:
            campaigns.reopen_campaign(census.staff, campaign)
        for _ in range(n):
            census.submit(campaign, next(answered), {"women": 4})
        census.close(campaign)

    more_answers(5)
    client, _staff = login_as("staff")
    assert_flat_queries(client, f"/recensements/{campaign.id}/resultats", count_queries, more_answers, BUDGET)
