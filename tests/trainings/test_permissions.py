"""The permission matrix: who sees rooms and links, who registers or cancels for whom, who exports."""

from __future__ import annotations

from datetime import timedelta

import pytest

from intranet.trainings import services
from intranet.trainings.models import RegistrationStatus


def test_room_and_link_are_shown_to_confirmed_participants_and_staff_only(login_as, make_session, make_user):
    room = make_session(capacity=1)
    online = make_session(online=True)
    confirmed_client, confirmed = login_as("member")
    waiting_client, waiting = login_as("member")
    outsider_client, _ = login_as("member")
    staff_client, _ = login_as("staff")
    services.register(confirmed, room, confirmed)
    services.register(waiting, room, waiting)
    services.register(confirmed, online, confirmed)

    def sees(client, session, secret):
        return secret in client.get(f"/formations/seances/{session.id}").get_data(as_text=True)

    for client, expected in (
        (confirmed_client, True),
        (staff_client, True),
        (waiting_client, False),
        (outsider_client, False),
    ):
        assert sees(client, room, "Salle Les Pins") is expected
    assert sees(confirmed_client, online, "visio.example/salle-secrete")
    assert not sees(outsider_client, online, "visio.example/salle-secrete")
    # The town and region are for everyone.
    assert sees(outsider_client, room, "Sherbrooke (Estrie)")
    # The invitation (.ics, with the room) is for the confirmed participant only.
    assert confirmed_client.get(f"/formations/seances/{room.id}/invitation.ics").status_code == 200
    assert waiting_client.get(f"/formations/seances/{room.id}/invitation.ics").status_code == 404


def test_unpublished_training_is_invisible_to_members(login_as, make_training, make_session):
    draft = make_session(training=make_training("Brouillon secret", published=False))
    member_client, _ = login_as("member")
    staff_client, _ = login_as("staff")
    assert member_client.get(f"/formations/seances/{draft.id}").status_code == 404
    assert member_client.post(f"/formations/seances/{draft.id}/inscription").status_code == 404
    assert staff_client.get(f"/formations/seances/{draft.id}").status_code == 200


def test_who_registers_whom(db, login_as, make_org, make_user, make_session):
    session = make_session()
    org, other_org = make_org(), make_org()
    coordinator_client, coordinator = login_as("coordinator", org=org)
    colleague = make_user(org=org)
    stranger = make_user(org=other_org)
    member_client, member = login_as("member", org=org)
    staff_client, _ = login_as("staff")
    url = f"/formations/seances/{session.id}/inscription"

    # A member registers herself only.
    assert member_client.post(url, data={"user_id": colleague.id}).status_code == 404
    assert member_client.post(url).status_code == 303
    # A coordinator registers colleagues of her own organization, not others.
    page = coordinator_client.get(f"/formations/seances/{session.id}").get_data(as_text=True)
    assert colleague.name in page and stranger.name not in page
    assert coordinator_client.post(url, data={"user_id": stranger.id}).status_code == 404
    assert coordinator_client.post(url, data={"user_id": colleague.id}).status_code == 303
    registration = services.registration_of(session.id, colleague.id)
    assert (
        registration.status == RegistrationStatus.CONFIRMED
        and registration.registered_by_id == coordinator.id
    )
    # Staff register anyone.
    assert staff_client.post(url, data={"user_id": stranger.id}).status_code == 303
    # Who cancels: not another member; the coordinator for her colleague.
    other_client, _ = login_as("member", org=other_org)
    cancel = f"/formations/inscriptions/{registration.id}/annulation"
    assert other_client.post(cancel).status_code == 404
    assert coordinator_client.post(cancel).status_code == 303
    assert registration.status == RegistrationStatus.CANCELLED


@pytest.mark.parametrize(
    "role,status", [("member", 403), ("coordinator", 403), ("staff", 200), ("admin", 200)]
)
def test_only_staff_export_and_manage(login_as, make_session, make_user, role, status):
    session = make_session()
    person = make_user(email="confidentiel@essai.example", name="Gabrielle Essai")
    services.register(person, session, person)
    client, _ = login_as(role)
    for url in (
        f"/formations/gestion/seances/{session.id}/participants.csv",
        f"/formations/gestion/seances/{session.id}/participants",
        "/formations/gestion",
        f"/formations/gestion/seances/{session.id}",
    ):
        assert client.get(url).status_code == status, url
    if status == 200:
        csv_text = client.get(f"/formations/gestion/seances/{session.id}/participants.csv").get_data(
            as_text=True
        )
        header, row = csv_text.lstrip("\ufeff").splitlines()[:2]  # French Excel: ";" between columns
        assert header == "Nom;Organisme;Région;Statut;Position;Présence"
        assert row.startswith("Gabrielle Essai;")
        assert "confidentiel@essai.example" not in csv_text  # no more fields than needed


def test_htmx_booking_swaps_the_box_and_shows_refusals_inside_it(login_as, make_session, make_user):
    session = make_session(capacity=1, starts_in=timedelta(days=3))
    client, member = login_as("member")
    headers = {"HX-Request": "true"}
    response = client.post(f"/formations/seances/{session.id}/inscription", headers=headers)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.startswith('<section id="booking"') and "<html" not in html
    assert "Votre inscription est confirmée." in html
    again = client.post(f"/formations/seances/{session.id}/inscription", headers=headers).get_data(
        as_text=True
    )
    assert 'role="alert"' in again and "déjà une inscription" in again
    # Without JavaScript: a refusal re-renders the page with 422.
    assert client.post(f"/formations/seances/{session.id}/inscription").status_code == 422
