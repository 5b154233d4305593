"""Campaigns through the pages: staff prepare, copy, open, follow participation, remind, close;
who may do what (the permission matrix)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from intranet.census.models import Campaign, CampaignStatus, Question, Response, ResponseStatus
from intranet.mail.models import OutboxMessage


def test_staff_prepare_a_campaign_from_the_standard_questionnaire_and_open_it(db, login_as, make_org):
    client, staff = login_as("staff")
    shelter = make_org(region="Estrie")
    make_org(region="Laval")  # not asked: another region
    response = client.post(
        "/recensements/nouveau",
        data={
            "name": "Recensement d’un jour 2026",
            "period": "day",
            "starts_on": "2026-10-15",
            "closes_on": "2026-11-15",
            "sectors": ["shelter"],
            "regions": [str(shelter.region_id)],
            "highlights_question": "Qu’est-ce qui a marqué cette journée ?",
            "copy_from": "0",
        },
    )
    assert response.status_code == 303
    campaign = db.session.scalar(sa.select(Campaign).where(Campaign.name == "Recensement d’un jour 2026"))
    assert campaign.status == CampaignStatus.DRAFT and campaign.ends_on == campaign.starts_on
    keys = [q.key for q in campaign.questions]
    assert {"women", "children", "turned_away", "interpreting_met"} <= set(keys)
    page = client.get(f"/recensements/{campaign.id}").get_data(as_text=True)
    assert "Femmes hébergées" in page and "Ouvrir aux réponses" in page

    # The questionnaire is edited while in preparation: a question that asks about a person is refused.
    bad = client.post(
        f"/recensements/{campaign.id}/questions",
        data={"label": "Nom et adresse de la résidente", "breakdown": ""},
    )
    assert bad.status_code == 422 and "ne demande rien sur une personne" in bad.get_data(as_text=True)
    good = client.post(
        f"/recensements/{campaign.id}/questions",
        data={
            "label": "Accompagnements en cour",
            "definition": "Présences au palais de justice.",
            "breakdown": "",
        },
    )
    assert good.status_code == 303
    assert "Accompagnements en cour" in [q.label for q in db.session.get(Campaign, campaign.id).questions]

    assert client.post(f"/recensements/{campaign.id}/ouvrir").status_code == 303
    db.session.refresh(campaign)
    assert campaign.status == CampaignStatus.OPEN
    asked = db.session.scalars(
        sa.select(Response.organization_id).where(Response.campaign_id == campaign.id)
    ).all()
    assert asked == [shelter.id]
    # Once open the questionnaire does not change.
    refused = client.post(
        f"/recensements/{campaign.id}/questions", data={"label": "Autre chose", "breakdown": ""}
    )
    assert refused.status_code == 404


def test_a_campaign_copies_a_past_questionnaire_with_its_keys_and_parts(db, census, make_org):
    org = make_org()
    past = census.campaign([org], year=2025)
    copy = census.campaign([org], year=2026, copy_from=past, open=False)
    assert [(q.key, q.label, q.breakdown) for q in copy.questions] == [
        (q.key, q.label, q.breakdown) for q in past.questions
    ]
    parents = {q.key: q for q in copy.questions}
    assert parents["interpreting_met"].parent_id == parents["interpreting"].id
    assert parents["interpreting"].campaign_id == copy.id


def test_participation_says_who_answered_never_what(db, census, make_org, login_as):
    a, b = make_org(name="Maison Aubépine"), make_org(name="Maison Bleuet")
    campaign = census.campaign([a, b])
    census.submit(campaign, a, {"women": 48613})
    client, _ = login_as("staff")
    page = client.get(f"/recensements/{campaign.id}/participation").get_data(as_text=True)
    assert "Maison Aubépine" in page and "Maison Bleuet" in page and "Transmis" in page
    assert "48613" not in page and "48 613" not in page


def test_reminders_go_through_the_outbox_to_coordinators_without_an_answer(
    db, census, make_org, make_user, login_as
):
    a, b = make_org(), make_org()
    campaign = census.campaign([a, b])
    census.submit(campaign, a)
    waiting = make_user("coordinator", org=b)
    make_user("member", org=b)  # members are not reminded
    client, _ = login_as("staff")
    assert client.post(f"/recensements/{campaign.id}/rappels").status_code == 303
    rows = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "census_reminder")).all()
    assert [r.to_address for r in rows] == [waiting.email]
    assert rows[0].subject in ("Un questionnaire attend votre réponse", "A questionnaire awaits your answer")
    # Twice the same day: one email.
    client.post(f"/recensements/{campaign.id}/rappels")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1


def test_closing_publishes_the_results_to_members(db, census, make_org, login_as):
    orgs = [make_org() for _ in range(3)]
    campaign = census.campaign(orgs)
    for org in orgs:
        census.submit(campaign, org, {"women": 10})
    member, _ = login_as("member", org=orgs[0])
    assert member.get(f"/recensements/{campaign.id}/resultats").status_code == 404  # still open
    staff, _ = login_as("staff")
    assert staff.post(f"/recensements/{campaign.id}/fermer").status_code == 303
    page = member.get(f"/recensements/{campaign.id}/resultats").get_data(as_text=True)
    assert "Femmes hébergées" in page and ">30<" in page


ROUTES = [
    ("get", "/recensements/", {"member": 200, "coordinator": 200, "staff": 200}),
    ("get", "/recensements/nouveau", {"member": 403, "coordinator": 403, "staff": 200}),
    ("get", "/recensements/{id}/participation", {"member": 403, "coordinator": 403, "staff": 200}),
    ("post", "/recensements/{id}/rappels", {"member": 403, "coordinator": 403, "staff": 303}),
    (
        "get",
        "/recensements/{id}/reponse",
        {"member": 403, "coordinator": 200, "staff": 404},
    ),  # staff: never an answer
    ("get", "/recensements/{id}/resultats", {"member": 404, "coordinator": 404, "staff": 404}),
    ("get", "/recensements/seuil", {"member": 403, "coordinator": 403, "staff": 200}),
]


@pytest.mark.parametrize("method, url, expected", ROUTES)
@pytest.mark.parametrize("role", ["member", "coordinator", "staff"])
def test_the_permission_matrix_of_an_open_campaign(
    db, census, make_org, login_as, method, url, expected, role
):
    org = make_org()
    campaign = census.campaign([org])
    client, _ = login_as(role, org=org) if role != "staff" else login_as("staff")
    response = getattr(client, method)(url.format(id=campaign.id))
    assert response.status_code == expected[role]


def test_a_coordinator_answers_only_for_their_own_organization(db, census, make_org, login_as):
    mine, other = make_org(), make_org()
    campaign = census.campaign([mine, other])
    client, _ = login_as("coordinator", org=mine)
    other_response = census.response(campaign, other)
    fields = census.figures(campaign, {"women": 7})
    # The form only ever reaches the signed-in coordinator's own organization's row.
    assert (
        client.post(f"/recensements/{campaign.id}/reponse", data={**fields, "action": "submit"}).status_code
        == 303
    )
    assert census.response(campaign, mine).status == ResponseStatus.SUBMITTED
    assert other_response.status == ResponseStatus.PENDING and not other_response.values
    # A coordinator of an organization that was not asked has no answer page.
    outsider, _ = login_as("coordinator", org=make_org(region="Laval"))
    assert outsider.get(f"/recensements/{campaign.id}/reponse").status_code == 404


def test_drafts_are_invisible_to_members(db, census, make_org, login_as):
    org = make_org()
    campaign = census.campaign([org], open=False)
    client, _ = login_as("coordinator", org=org)
    assert client.get(f"/recensements/{campaign.id}").status_code == 404
    assert "Recensement annuel 2026" not in client.get("/recensements/").get_data(as_text=True)


def test_the_threshold_is_a_network_setting(db, login_as):
    from intranet.census import aggregates

    client, _ = login_as("staff")
    assert aggregates.threshold() == 5
    assert client.post("/recensements/seuil", data={"min_count": "2"}).status_code == 422
    assert client.post("/recensements/seuil", data={"min_count": "10"}).status_code == 303
    assert aggregates.threshold() == 10


def test_questions_and_parts_are_checked_when_edited(db, census, make_org, login_as):
    campaign = census.campaign([make_org()], open=False)
    client, _ = login_as("staff")
    part = next(q for q in campaign.questions if q.key == "interpreting_met")
    parent = db.session.get(Question, part.parent_id)
    page = client.get(f"/recensements/{campaign.id}/questions/{parent.id}")
    assert page.status_code == 200
    # A question with parts cannot become a part itself.
    women = next(q for q in campaign.questions if q.key == "women")
    response = client.post(
        f"/recensements/{campaign.id}/questions/{parent.id}",
        data={"label": parent.label, "breakdown": "language", "parent_id": str(women.id)},
    )
    assert response.status_code == 422
    assert client.post(f"/recensements/{campaign.id}/questions/{parent.id}/supprimer").status_code == 303
    keys = {q.key for q in db.session.get(Campaign, campaign.id).questions}
    assert "interpreting" not in keys and "interpreting_met" not in keys


def test_participation_is_read_a_page_at_a_time(db, census, make_org, login_as, monkeypatch):
    from intranet.census.services import campaigns

    monkeypatch.setattr(campaigns, "PARTICIPATION_PAGE", 2)
    orgs = [make_org(name=f"Maison Page {i}") for i in range(3)]
    campaign = census.campaign(orgs)
    client, _ = login_as("staff")
    first = client.get(f"/recensements/{campaign.id}/participation").get_data(as_text=True)
    assert "Maison Page 0" in first and "Maison Page 1" in first and "Maison Page 2" not in first
    assert "page=2" in first
    second = client.get(f"/recensements/{campaign.id}/participation?page=2").get_data(as_text=True)
    assert "Maison Page 2" in second and "Maison Page 0" not in second
