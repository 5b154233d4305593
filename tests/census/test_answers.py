"""A coordinator's answer: save and come back, checks, submit, correct until the campaign closes."""

from __future__ import annotations

import re

from intranet.census.models import ResponseStatus
from intranet.census.services import answers


def _url(campaign) -> str:
    return f"/recensements/{campaign.id}/reponse"


def test_save_a_draft_and_come_back_to_it(db, census, make_org, login_as):
    org = make_org()
    campaign = census.campaign([org])
    client, _ = login_as("coordinator", org=org)
    women = next(q for q in campaign.questions if q.key == "women")
    response = client.post(_url(campaign), data={answers.field_name(women.id): "12", "action": "save"})
    assert response.status_code == 303
    saved = census.response(campaign, org)
    assert saved.status == ResponseStatus.DRAFT and saved.figures() == {(women.id, ""): 12}
    page = client.get(_url(campaign)).get_data(as_text=True)
    assert f'name="{answers.field_name(women.id)}" value="12"' in page


def test_the_checks_refuse_what_is_not_a_whole_number_and_parts_that_do_not_add_up(
    db, census, make_org, login_as
):
    org = make_org()
    campaign = census.campaign([org])
    client, _ = login_as("coordinator", org=org)
    by_key = {q.key: q for q in campaign.questions}
    fields = census.figures(campaign, {"women": 10})
    fields[answers.field_name(by_key["units"].id)] = "4,5"
    fields[answers.field_name(by_key["nights"].id)] = "-3"
    # Interpreting: 9 requests, parts 5 met + 2 unmet.
    fields[answers.field_name(by_key["interpreting"].id)] = "9"
    fields[answers.field_name(by_key["interpreting"].id, "fr")] = "9"
    fields[answers.field_name(by_key["interpreting_met"].id)] = "5"
    fields[answers.field_name(by_key["interpreting_unmet"].id)] = "2"
    # Children: a total of 6 whose age bands make 5.
    fields[answers.field_name(by_key["children"].id)] = "6"
    fields[answers.field_name(by_key["children"].id, "0-5")] = "5"
    response = client.post(_url(campaign), data={**fields, "action": "submit"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert page.count("Un nombre entier, 0 ou plus, sans décimale.") >= 2  # in the summary and by the field
    assert "Ses parties font 7, pas le total de 9." in page
    assert "Les catégories font 5, pas le total de 6." in page
    assert 'value="4,5"' in page  # nothing typed is lost
    assert census.response(campaign, org).status == ResponseStatus.PENDING


def test_submitting_needs_every_figure_but_a_draft_does_not(db, census, make_org, login_as):
    org = make_org()
    campaign = census.campaign([org])
    client, _ = login_as("coordinator", org=org)
    women = next(q for q in campaign.questions if q.key == "women")
    data = {answers.field_name(women.id): "3"}
    assert client.post(_url(campaign), data={**data, "action": "submit"}).status_code == 422
    assert client.post(_url(campaign), data={**data, "action": "save"}).status_code == 303


def test_a_figure_far_from_last_year_asks_for_a_confirmation(db, census, make_org, login_as):
    org = make_org()
    past = census.campaign([org], year=2025)
    census.submit(past, org, {"women": 40})
    census.close(past)
    campaign = census.campaign([org], year=2026, copy_from=past)
    client, _ = login_as("coordinator", org=org)
    fields = census.figures(campaign, {"women": 15})
    response = client.post(_url(campaign), data={**fields, "action": "submit"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Plus de la moitié d’écart avec la dernière fois (40)" in page
    assert "confirm_figures" in page
    confirmed = client.post(_url(campaign), data={**fields, "action": "submit", "confirm_figures": "y"})
    assert confirmed.status_code == 303
    # Within half of last year's: no warning at all.
    assert (
        answers.check(
            campaign, census.figures(campaign, {"women": 25}), complete=True, last_year={"women": 40}
        ).warnings
        == {}
    )


def test_correct_until_the_campaign_closes(db, census, make_org, login_as):
    org = make_org()
    campaign = census.campaign([org])
    client, _ = login_as("coordinator", org=org)
    assert (
        client.post(
            _url(campaign), data={**census.figures(campaign, {"women": 8}), "action": "submit"}
        ).status_code
        == 303
    )
    revision = campaign.revision
    corrected = census.figures(campaign, {"women": 9})
    assert client.post(_url(campaign), data={**corrected, "action": "save"}).status_code == 303
    women = next(q for q in campaign.questions if q.key == "women")
    response = census.response(campaign, org)
    assert response.status == ResponseStatus.SUBMITTED and response.figures()[(women.id, "")] == 9
    assert campaign.revision != revision  # results computed before are not reused
    census.close(campaign)
    assert client.post(_url(campaign), data={**corrected, "action": "submit"}).status_code == 404
    page = client.get(_url(campaign)).get_data(as_text=True)
    assert "readonly" in page and "n’est plus ouvert" in page


def test_the_highlights_go_through_the_sensitive_text_guard(db, census, make_org, login_as):
    import sqlalchemy as sa

    from intranet.guard.models import GuardConfirmation

    org = make_org()
    campaign = census.campaign([org])
    client, _ = login_as("coordinator", org=org)
    fields = {**census.figures(campaign, {"women": 4}), "action": "submit"}
    text = "Une intervenante joignable au 514-555-0199 a animé l’atelier."
    response = client.post(_url(campaign), data={**fields, "highlights": text})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "<mark>" in page and 'name="confirm_personal"' in page and text.split(" au ")[0] in page
    fingerprint = re.search(r'name="confirm_personal" value="([0-9a-f]+)"', page).group(1)
    confirmed = client.post(
        _url(campaign), data={**fields, "highlights": text, "confirm_personal": fingerprint}
    )
    assert confirmed.status_code == 303
    saved = census.response(campaign, org)
    assert saved.highlights == text and saved.status == ResponseStatus.SUBMITTED
    record = db.session.scalar(sa.select(GuardConfirmation).where(GuardConfirmation.object_id == saved.id))
    assert record is not None and record.object_type == "census_response" and "phone" in record.kinds
    # A street address is refused outright (DOMAIN rule 1): no box lifts it.
    address = "Notre maison au 1234, rue des Érables a ouvert deux logements."
    refused = client.post(
        _url(campaign), data={**fields, "highlights": address, "confirm_personal": fingerprint}
    )
    assert refused.status_code == 422 and census.response(campaign, org).highlights == text
