"""The first visit (issue 17): after accepting an invitation, the person is asked how much emails
may say (with a preview) and how often the digest comes; saved or skipped, asked once. The
invitation names the organization that invites and the network, within the email levels."""

from __future__ import annotations

import re

import sqlalchemy as sa

from intranet.accounts.models import Role
from intranet.accounts.services import Invitation, invite
from intranet.mail.models import OutboxMessage
from intranet.notifications.models import Frequency, NotificationPreference
from tests.conftest import sign_in

PASSWORD = "une phrase de passe solide"


def _invite(db, inviter, org, email="nouvelle@essai.example", locale="fr"):
    user = invite(
        inviter,
        Invitation(
            email=email, name="Nouvelle Personne", organization_id=org.id, role=Role.MEMBER, locale=locale
        ),
    )
    db.session.commit()
    row = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.to_address == email))
    return user, row


def _accept(app, row):
    link = re.search(r"http://passerelle\.test(/invitation/\S+)", row.body_text).group(1)
    newcomer = app.test_client()
    response = newcomer.post(link, data={"password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 303
    return newcomer, response.headers["Location"]


def test_after_the_invitation_the_choices_are_asked_with_a_preview_and_saved(app, db, make_org, make_user):
    org = make_org(name="Bureau Lumière")
    user, row = _invite(db, make_user("coordinator", org=org), org)
    newcomer, location = _accept(app, row)
    assert location == "/bienvenue"
    page = newcomer.get(location)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="email_level"' in html and 'name="frequency"' in html
    assert 'id="email-preview"' in html and "Aperçu du courriel" in html  # the preview beside
    assert 'href="/"' in html and "Passer" in html  # a way to skip
    response = newcomer.post(location, data={"email_level": "discreet", "frequency": "daily"})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    pref = db.session.get(NotificationPreference, user.id)
    assert pref.email_level == "discreet" and pref.frequency == Frequency.DAILY
    assert pref.region_ids == [org.region_id]  # the rest keeps its defaults


def test_skipping_keeps_the_network_s_defaults_and_it_is_asked_once(app, db, make_org, make_user):
    org = make_org()
    user, row = _invite(db, make_user("coordinator", org=org), org)
    newcomer, location = _accept(app, row)
    assert location == "/bienvenue"
    assert newcomer.get("/").status_code == 200  # skipped: the skip is a plain link home
    assert db.session.get(NotificationPreference, user.id) is None  # nothing written: the defaults
    # Next time, signing in goes where it always goes.
    again = app.test_client()
    response = sign_in(again, user.email, PASSWORD)
    assert response.status_code == 303 and "bienvenue" not in response.headers["Location"]


def test_an_invalid_answer_is_sent_back_with_what_was_chosen(app, db, login_as):
    client, member = login_as("member")
    response = client.post("/bienvenue", data={"email_level": "everything", "frequency": "daily"})
    assert response.status_code == 422
    assert db.session.get(NotificationPreference, member.id) is None


def test_the_invitation_names_the_inviting_organization_and_the_network(app, db, make_org, make_user):
    org = make_org(name="Bureau Lumière")
    inviter = make_user("coordinator", org=org, name="Dominique Privée")
    _user, row = _invite(db, inviter, org)
    network = app.config["NETWORK_NAME"]
    # At the network's default level ("titles"), an invitation still says who invites.
    assert f"Bureau Lumière vous invite à rejoindre l’intranet de {network}." in row.body_text
    assert "Dominique" not in row.body_text and inviter.email not in row.body_text  # not the inviter
    assert row.subject == "Votre invitation"  # the envelope stays neutral
    assert "Bureau Lumière" in row.body_html and network in row.body_html


def test_an_invitation_from_the_network_s_team_names_the_network_and_the_organization(
    app, db, make_org, make_user
):
    org = make_org(name="Bureau Lumière")
    _user, row = _invite(db, make_user("staff"), org, locale="en")
    network = app.config["NETWORK_NAME"]
    assert (
        f"{network} invites you to join its intranet. Your account will belong to Bureau Lumière."
        in row.body_text
    )


def test_discreet_or_revealing_names_are_left_out(app, db, make_org, make_user, email_level):
    shelter = make_org(name="Maison d’hébergement L’Envol")
    _user, row = _invite(db, make_user("coordinator", org=shelter), shelter)
    assert "hébergement" not in row.body_text  # a revealing word keeps the name out below "full"
    email_level("discreet")
    org = make_org(name="Bureau Lumière")
    _user, row = _invite(db, make_user("coordinator", org=org), org, email="autre@essai.example")
    assert "Bureau Lumière" not in row.body_text and app.config["NETWORK_NAME"] not in row.body_text
    assert "Une invitation vous attend pour rejoindre l’intranet du réseau." in row.body_text
    assert "/invitation/" in row.body_text  # the link stays: it is the email's whole point
