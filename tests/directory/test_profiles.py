"""Organization profiles: who edits them, what they hold, how readers find them, staleness."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from intranet.database import utcnow
from intranet.directory.models import Profile

PROFILE = {
    "town": "Rouyn-Noranda",
    "steps": ["screening", "referral"],
    "languages": ["prs", "ar"],
    "approaches": ["intercultural"],
    "description": "Accueil des personnes nouvellement arrivées.",
    "referral": "Appeler la porteuse de dossier.",
    "lead_name": "Yasmina Belhadj",
    "lead_title": "Intervenante interculturelle",
    "lead_email": "porteuse@carrefour.example",
    "lead_phone": "819 555-0101",
}


def _form(**overrides):
    data = dict(PROFILE, **overrides)
    return data


def test_every_organization_has_a_profile_to_complete(make_org, db):
    org = make_org(name="Maison Nouvelle")
    profile = db.session.get(Profile, org.id)
    assert profile is not None and profile.region_ids == [org.region_id]
    assert "maison nouvelle" in db.session.scalar(
        sa.select(Profile.search_text).where(Profile.organization_id == org.id)
    )


@pytest.mark.parametrize(
    ("role", "own", "allowed"),
    [
        ("member", True, False),
        ("coordinator", True, True),
        ("coordinator", False, False),
        ("staff", False, True),
        ("admin", False, True),
    ],
)
def test_who_edits_a_profile(login_as, make_org, db, role, own, allowed):
    org = make_org(
        name="Carrefour d’essai", sector="immigration", region="Abitibi-Témiscamingue", town="Amos"
    )
    other = make_org(name="Autre maison")
    client, user = (
        login_as(role, org=org if own else other) if role in ("member", "coordinator") else login_as(role)
    )
    page = client.get(f"/repertoire/organismes/{org.id}/modifier")
    response = client.post(f"/repertoire/organismes/{org.id}/modifier", data=_form())
    if allowed:
        assert page.status_code == 200
        assert response.status_code == 303
        profile = db.session.get(Profile, org.id)
        db.session.refresh(profile)
        assert profile.languages == ["ar", "prs"] and profile.lead_name == "Yasmina Belhadj"
        assert profile.updated_by_id == user.id
    else:
        assert page.status_code in (403, 404)
        assert response.status_code in (403, 404)
        assert db.session.get(Profile, org.id).lead_name == ""


def test_only_staff_change_the_sector(login_as, make_org, db):
    org = make_org(sector="immigration")
    client, _user = login_as("coordinator", org=org)
    assert 'name="sector"' not in client.get(f"/repertoire/organismes/{org.id}/modifier").get_data(
        as_text=True
    )
    assert (
        client.post(f"/repertoire/organismes/{org.id}/modifier", data=_form(sector="shelter")).status_code
        == 303
    )
    db.session.refresh(org)
    assert org.sector.value == "immigration"
    staff, _ = login_as("staff")
    assert (
        staff.post(f"/repertoire/organismes/{org.id}/modifier", data=_form(sector="violence")).status_code
        == 303
    )
    db.session.refresh(org)
    assert org.sector.value == "violence"


def test_a_bad_contact_is_refused_with_422_and_nothing_lost(login_as, make_org):
    org = make_org()
    client, _user = login_as("coordinator", org=org)
    response = client.post(
        f"/repertoire/organismes/{org.id}/modifier",
        data=_form(lead_email="pas une adresse", lead_phone="abc"),
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Yasmina Belhadj" in body and "pas une adresse" in body


def test_browse_and_filter_by_region_sector_service_and_language(login_as, make_org, make_region, db):
    from intranet.directory.services import profiles

    abitibi = make_region("Abitibi-Témiscamingue")
    bridge = make_org(
        name="Carrefour Dari", sector="immigration", region="Abitibi-Témiscamingue", town="Amos"
    )
    shelter = make_org(
        name="Maison Boréale", sector="shelter", region="Abitibi-Témiscamingue", town="Val-d’Or"
    )
    elsewhere = make_org(name="Maison Estrienne", sector="shelter", region="Estrie")
    staff = login_as("staff")[1]
    profiles.save_profile(
        staff,
        db.session.get(Profile, bridge.id),
        profiles.ProfileData(
            town="Amos", region_ids=[], steps=["screening"], languages=["prs"], approaches=[]
        ),
    )
    profiles.save_profile(
        staff,
        db.session.get(Profile, shelter.id),
        profiles.ProfileData(
            town="Val-d’Or", region_ids=[], steps=["emergency_shelter"], languages=["fr"], approaches=[]
        ),
    )
    client, _ = login_as("member", org=elsewhere)

    def names(**args):
        page = client.get("/repertoire/", query_string=args, headers={"HX-Request": "true"})
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        return {n for n in ("Carrefour Dari", "Maison Boréale", "Maison Estrienne") if n in text}

    assert names(region=abitibi.id) == {"Carrefour Dari", "Maison Boréale"}
    assert names(region=abitibi.id, sector="immigration") == {"Carrefour Dari"}
    assert names(sector="violence") >= {
        "Maison Boréale",
        "Maison Estrienne",
    } and "Carrefour Dari" not in names(sector="violence")
    assert names(service="emergency_shelter") == {"Maison Boréale"}
    assert names(language="prs") == {"Carrefour Dari"}
    assert names(q="dari abitibi") == {"Carrefour Dari"}
    assert names(q="Depistage") == {"Carrefour Dari"}  # accents optional: « Dépistage »
    region_page = client.get(f"/repertoire/regions/{abitibi.id}").get_data(as_text=True)
    violence, immigration = region_page.split('id="side-immigration"')
    assert "Maison Boréale" in violence and "Carrefour Dari" in immigration
    assert "Maison Estrienne" not in region_page


def test_the_profile_shows_the_porteuse_and_links(login_as, make_org, db):
    from intranet.directory.services import profiles

    org = make_org(name="Carrefour Lien")
    staff = login_as("staff")[1]
    profiles.save_profile(
        staff,
        db.session.get(Profile, org.id),
        profiles.ProfileData(
            town="Sherbrooke",
            region_ids=[],
            steps=["referral"],
            languages=["ti"],
            approaches=["feminist"],
            lead_name="Hiwet Tesfay",
            lead_email="hiwet@pont.example",
        ),
    )
    client, _ = login_as("member")
    body = client.get(f"/repertoire/organismes/{org.id}").get_data(as_text=True)
    assert "Hiwet Tesfay" in body and "hiwet@pont.example" in body and "tigrigna" in body
    assert "Modifier le profil" not in body


def test_a_profile_untouched_for_12_months_is_shown_stale_and_its_coordinators_asked_once(
    login_as, make_org, make_user, db, email_level
):
    from intranet.directory.services import profiles, staleness
    from intranet.mail.models import OutboxMessage

    email_level("full")
    org = make_org(name="Maison Oubliée")
    coordinator = make_user("coordinator", org=org)
    make_user("member", org=org)  # a member is not asked
    profile = db.session.get(Profile, org.id)
    start = utcnow()
    profile.confirmed_at = start
    db.session.flush()
    almost = start + timedelta(days=364)
    assert not profiles.is_stale(profile, almost)
    assert staleness.remind_stale_profiles(now=almost) == 0
    later = start + timedelta(days=366)
    assert profiles.is_stale(profile, later)
    assert staleness.remind_stale_profiles(now=later) == 1
    assert staleness.remind_stale_profiles(now=later + timedelta(days=1)) == 0  # once per stale period
    rows = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "directory_profile_stale")
    ).all()
    assert [r.to_address for r in rows] == [coordinator.email]
    # Readers see its age; the coordinator confirms it in one click and it is fresh again.
    profile.confirmed_at = utcnow() - timedelta(days=400)
    db.session.flush()
    client, _ = login_as("member")
    assert "pas été confirmé depuis 13 mois" in client.get(f"/repertoire/organismes/{org.id}").get_data(
        as_text=True
    )
    own, _ = login_as("coordinator", user=coordinator)
    assert own.post(f"/repertoire/organismes/{org.id}/confirmer").status_code == 303
    db.session.refresh(profile)
    assert not profiles.is_stale(profile) and profile.reminded_at is None


def test_the_scheduler_runs_the_reminder():
    from jobs.scheduler import SCHEDULE

    assert any(path == "jobs.directory.remind_stale_profiles" for path, *_ in SCHEDULE)


def test_anonymous_people_see_nothing(client, make_org):
    org = make_org()
    for url in ("/repertoire/", f"/repertoire/organismes/{org.id}", "/ressources/", "/repertoire/hsds.json"):
        response = client.get(url)
        assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_the_directory_is_in_the_navigation_of_every_member(login_as):
    client, _ = login_as("member")
    body = client.get("/").get_data(as_text=True)
    assert 'href="/repertoire/"' in body  # the resources are a tab of the directory
    assert 'href="/ressources/"' in client.get("/repertoire/").get_data(as_text=True)
    client.post("/langue", data={"lang": "en", "next": "/"})
    english = client.get("/repertoire/").get_data(as_text=True)
    assert "Directory of organizations" in english and "Shared resources" in english


def _guarded_fields(form_class):
    return [
        name
        for name, field in form_class(meta={"csrf": False})._fields.items()
        if getattr(field, "guarded", False)
    ]


def test_no_street_address_can_be_saved_in_any_field_of_a_profile(app, login_as, make_org, db):
    from intranet.directory.forms import ProfileForm

    org = make_org(town="Rimouski")
    client, _ = login_as("coordinator", org=org)
    with app.test_request_context():
        guarded = _guarded_fields(ProfileForm)
    assert {"town", "description", "referral", "accessibility", "services_details", "lead_name"} <= set(
        guarded
    )
    address = "245, rue des Érables"
    for name in guarded:
        first = client.post(f"/repertoire/organismes/{org.id}/modifier", data=_form(**{name: address}))
        assert first.status_code == 422, name
        assert "refusé ici" in first.get_data(as_text=True), name
        # No box lifts it: not an invented one, not the fingerprint of what the page showed.
        again = client.post(
            f"/repertoire/organismes/{org.id}/modifier", data=_form(**{name: address}, confirm_personal="1")
        )
        assert again.status_code == 422, name
    profile = db.session.get(Profile, org.id)
    db.session.refresh(profile)
    db.session.refresh(org)
    assert org.town == "Rimouski" and profile.lead_name == ""
    searched = db.session.scalar(sa.select(Profile.search_text).where(Profile.organization_id == org.id))
    assert "erables" not in searched


def test_a_phone_number_in_a_profile_is_a_warning_the_coordinator_can_confirm(login_as, make_org, db):
    from intranet.guard.models import GuardConfirmation

    org = make_org()
    client, user = login_as("coordinator", org=org)
    data = _form(referral="Appeler la ligne d’accueil au 819 555-0143.")
    first = client.post(f"/repertoire/organismes/{org.id}/modifier", data=data)
    assert first.status_code == 422
    fingerprint = re.search(
        r'name="confirm_personal" value="([0-9a-f]+)"', first.get_data(as_text=True)
    ).group(1)
    assert (
        client.post(
            f"/repertoire/organismes/{org.id}/modifier", data={**data, "confirm_personal": fingerprint}
        ).status_code
        == 303
    )
    record = db.session.scalar(
        sa.select(GuardConfirmation).where(GuardConfirmation.object_type == "directory_profile")
    )
    assert record.object_id == org.id and record.kinds == "phone" and record.user_id == user.id


def test_the_profile_links_only_to_what_the_reader_may_see(
    login_as, make_org, make_user, make_practice, make_position, db
):
    from intranet.advocacy.models import Cosignature

    org = make_org(name="Maison Liée")
    author = make_user("member", org=org)
    make_practice(author, title="Pratique partagée Canarivisible")
    make_practice(author, title="Pratique interne Canaricachée", visibility="organization")
    make_practice(author, title="Brouillon Canaribrouillon", publish=False)
    staff = make_user("staff")
    position = make_position(
        make_user("member"), status="published", title="Position cosignée Canariposition", staff=staff
    )
    db.session.add(Cosignature(position_id=position.id, organization_id=org.id))
    db.session.flush()
    reader, _ = login_as("member")  # of another organization
    body = reader.get(f"/repertoire/organismes/{org.id}").get_data(as_text=True)
    assert "Canarivisible" in body and "Canariposition" in body
    assert "Canaricachée" not in body and "Canaribrouillon" not in body
    colleague, _ = login_as("member", org=org)
    own = colleague.get(f"/repertoire/organismes/{org.id}").get_data(as_text=True)
    assert "Canaricachée" in own and "Canaribrouillon" not in own
