from __future__ import annotations

from datetime import date

import pytest


@pytest.fixture
def census(db, make_org, make_user):
    """Builds campaigns: ``census.campaign(orgs)`` (standard questionnaire, opened),
    ``census.submit(campaign, org, {key: value or {category: value}})``, ``census.close(...)``."""
    from intranet.census.models import Period, Response
    from intranet.census.services import answers, campaigns

    class Census:
        staff = make_user("staff")

        def campaign(
            self,
            orgs=(),
            *,
            name="Recensement annuel 2026",
            year=2026,
            copy_from=None,
            open=True,
            regions=None,
        ):
            data = campaigns.CampaignData(
                name=name,
                period=Period.YEAR,
                starts_on=date(year, 1, 1),
                closes_on=date(year + 1, 1, 31),
                region_ids=list(regions or {o.region_id for o in orgs}),
                highlights_question="Qu’est-ce qui a marqué l’année ?",
            )
            campaign = campaigns.create_campaign(self.staff, data, copy_from=copy_from)
            if open:
                campaigns.open_campaign(self.staff, campaign)
            return campaign

        def coordinator(self, org):
            return make_user("coordinator", org=org)

        def figures(self, campaign, overrides: dict | None = None) -> dict[str, str]:
            """Form fields for a complete, consistent answer (every figure 0 unless overridden).

            ``overrides``: key -> total, or key -> {category: value} (the total is their sum)."""
            overrides = overrides or {}
            fields: dict[str, str] = {}
            by_key = {q.key: q for q in campaign.questions}
            values: dict[str, int] = {}
            for q in campaign.questions:
                wanted = overrides.get(q.key, 0)
                if isinstance(wanted, dict):
                    for category, _label in q.categories:
                        fields[answers.field_name(q.id, category)] = str(wanted.get(category, 0))
                    values[q.key] = sum(wanted.values())
                else:
                    for index, (category, _label) in enumerate(q.categories):
                        fields[answers.field_name(q.id, category)] = str(wanted if index == 0 else 0)
                    values[q.key] = wanted
            for q in campaign.questions:  # a parent is the sum of its parts when they are given
                parts = [c for c in campaign.questions if c.parent_id == q.id]
                if parts and q.key not in overrides:
                    values[q.key] = sum(values[p.key] for p in parts)
                    for index, (category, _label) in enumerate(q.categories):
                        fields[answers.field_name(q.id, category)] = str(values[q.key] if index == 0 else 0)
            for key, value in values.items():
                fields[answers.field_name(by_key[key].id)] = str(value)
            return fields

        def submit(self, campaign, org, overrides: dict | None = None, highlights: str = "", user=None):
            user = user or self.coordinator(org)
            response = answers.response_of(campaign, org.id)
            checked = answers.check(campaign, self.figures(campaign, overrides), complete=True, last_year={})
            assert checked.ok, checked.errors
            answers.save(user, response, checked, highlights, submit=True)
            return response

        def close(self, campaign):
            campaigns.close_campaign(self.staff, campaign)
            db.session.flush()
            return campaign

        def response(self, campaign, org) -> Response:
            return answers.response_of(campaign, org.id)

    return Census()
