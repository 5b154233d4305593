"""Co-signing: staff open it with a closing date; coordinators sign for their organization or withdraw."""

from __future__ import annotations

from datetime import timedelta

import pytest

from intranet.advocacy import services
from intranet.advocacy.views import today


@pytest.fixture
def approved(db, make_org, make_user, make_position):
    owner = make_org(name="Maison Le Rivage")
    staff = make_user("staff")
    position = make_position(make_user("member", org=owner), status="approved", staff=staff)
    db.session.commit()
    return position, staff


def test_coordinators_sign_and_withdraw_until_the_closing_date(app, db, approved, make_org, login_as):
    position, staff = approved
    staff_client, _ = login_as(user=staff)
    partner = make_org(name="Accueil La Rencontre")
    coordinator_client, coordinator = login_as("coordinator", org=partner)
    # Not open yet: an approved text stays private to its organization and the staff.
    assert coordinator_client.get(f"/plaidoyer/{position.id}").status_code == 404

    closes = (today() + timedelta(days=7)).isoformat()
    assert (
        staff_client.post(
            f"/plaidoyer/{position.id}/cosignature/ouvrir", data={"closes_on": closes}
        ).status_code
        == 303
    )
    page = coordinator_client.get(f"/plaidoyer/{position.id}").get_data(as_text=True)
    assert "Signer au nom de Accueil La Rencontre" in page

    signed = coordinator_client.post(
        f"/plaidoyer/{position.id}/cosignature/signer", headers={"HX-Request": "true"}
    )
    assert signed.status_code == 200
    fragment = signed.get_data(as_text=True)
    assert "<html" not in fragment and "Accueil La Rencontre cosigne ce texte." in fragment
    assert [s.organization.name for s in services.signatories(position)] == ["Accueil La Rencontre"]

    assert coordinator_client.post(f"/plaidoyer/{position.id}/cosignature/retirer").status_code == 303
    assert services.signatories(position) == []
    coordinator_client.post(f"/plaidoyer/{position.id}/cosignature/signer")
    assert len(services.signatories(position)) == 1

    # After the closing date nobody signs or withdraws any more.
    position.cosign_closes_on = today() - timedelta(days=1)
    db.session.commit()
    late = coordinator_client.post(f"/plaidoyer/{position.id}/cosignature/retirer", follow_redirects=True)
    assert "ne peut plus être retirée" in late.get_data(as_text=True)
    assert len(services.signatories(position)) == 1


def test_who_may_not_sign(app, db, approved, make_org, login_as):
    position, staff = approved
    services.open_cosigning(staff, position, today() + timedelta(days=3), today())
    db.session.commit()
    member_client, _ = login_as("member", org=make_org())
    assert member_client.post(f"/plaidoyer/{position.id}/cosignature/signer").status_code == 403
    # The organization that wrote it is the lead organization, not a co-signer.
    own_client, _ = login_as("coordinator", org=position.organization)
    response = own_client.post(f"/plaidoyer/{position.id}/cosignature/signer", follow_redirects=True)
    assert "La cosignature n’est pas possible pour votre organisme." in response.get_data(as_text=True)
    coordinator_client, _ = login_as("coordinator", org=make_org())
    assert (
        coordinator_client.post(
            f"/plaidoyer/{position.id}/cosignature/ouvrir", data={"closes_on": "2030-01-01"}
        ).status_code
        == 403
    )
    assert services.signatories(position) == []


def test_staff_close_cosigning_and_cannot_open_it_on_a_draft(app, db, approved, make_position, login_as):
    position, staff = approved
    client, _ = login_as(user=staff)
    client.post(
        f"/plaidoyer/{position.id}/cosignature/ouvrir",
        data={"closes_on": (today() + timedelta(days=5)).isoformat()},
    )
    assert client.post(f"/plaidoyer/{position.id}/cosignature/fermer").status_code == 303
    db.session.expire_all()
    assert not position.cosign_open
    in_review = make_position(status="in_review", staff=staff)
    db.session.commit()
    response = client.post(
        f"/plaidoyer/{in_review.id}/cosignature/ouvrir",
        data={"closes_on": "2030-01-01"},
        follow_redirects=True,
    )
    assert "La cosignature s’ouvre sur un texte approuvé ou publié." in response.get_data(as_text=True)
