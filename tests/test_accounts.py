"""Sign-in, sessions that end on the server, password reset, roles and invitations."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from intranet.accounts.models import User, UserSession
from intranet.database import utcnow
from tests.conftest import TEST_PASSWORD


def test_bad_credentials_say_the_same_thing_whether_the_email_exists_or_not(client, make_user):
    user = make_user("member")
    wrong_password = client.post(
        "/connexion", data={"email": user.email, "password": "pas le bon mot de passe"}
    )
    unknown_email = client.post(
        "/connexion", data={"email": "personne@inconnue.example", "password": "pas le bon mot de passe"}
    )
    assert wrong_password.status_code == unknown_email.status_code == 422
    message = "Courriel ou mot de passe incorrect."
    assert message in wrong_password.get_data(as_text=True)
    assert message in unknown_email.get_data(as_text=True)
    # What was typed is kept (the email), never the password.
    assert f'value="{user.email}"' in wrong_password.get_data(as_text=True)
    assert "pas le bon mot de passe" not in wrong_password.get_data(as_text=True)


def test_email_is_case_insensitive_and_inactive_accounts_cannot_sign_in(app, client, make_user):
    user = make_user("member", email="majuscules@essai.example")
    assert (
        client.post(
            "/connexion", data={"email": "MAJUSCULES@essai.example", "password": TEST_PASSWORD}
        ).status_code
        == 303
    )
    inactive = make_user("member", active=False)
    assert (
        app.test_client()
        .post("/connexion", data={"email": inactive.email, "password": TEST_PASSWORD})
        .status_code
        == 422
    )
    assert user.last_login_at is not None


def test_a_session_cookie_copied_before_logout_stops_working(app, auth, client, make_user):
    user = make_user("member")
    auth.login(user)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    assert client.get("/").status_code == 200
    auth.logout()
    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    response = thief.get("/")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_sign_in_starts_a_new_session(app, client, make_user, db):
    user = make_user("member")
    client.get("/connexion")
    client.post("/connexion", data={"email": user.email, "password": TEST_PASSWORD})
    first = db.session.scalars(sa.select(UserSession.token_hash).where(UserSession.user_id == user.id)).all()
    client.post("/deconnexion")
    client.post("/connexion", data={"email": user.email, "password": TEST_PASSWORD})
    second = db.session.scalars(sa.select(UserSession.token_hash).where(UserSession.user_id == user.id)).all()
    assert len(first) == len(second) == 1 and first != second


def test_idle_sessions_expire(app, auth, client, make_user, db):
    user = make_user("member")
    auth.login(user)
    record = db.session.scalar(sa.select(UserSession).where(UserSession.user_id == user.id))
    record.last_seen_at = utcnow() - timedelta(seconds=app.config["SESSION_IDLE_TIMEOUT"] + 60)
    db.session.commit()
    response = client.get("/")
    assert response.status_code == 302
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(UserSession).where(UserSession.user_id == user.id)
        )
        == 0
    )


def test_disabling_an_account_ends_its_sessions(login_as, make_user, make_org):
    org = make_org()
    member_client, member = login_as("member", org=org)
    coordinator_client, _coordinator = login_as("coordinator", org=org)
    assert member_client.get("/").status_code == 200
    response = coordinator_client.post(f"/gestion/personnes/{member.id}/activation", data={"active": "0"})
    assert response.status_code == 303
    assert member_client.get("/").status_code == 302


def test_a_role_change_ends_the_person_s_sessions(login_as, make_user):
    staff_client, staff = login_as("staff")
    member_client, member = login_as("member", org=staff.organization)
    admin_client, _admin = login_as("admin")
    assert (
        admin_client.post(f"/gestion/personnes/{member.id}/role", data={"role": "staff"}).status_code == 303
    )
    assert member.role == "staff"
    assert member_client.get("/").status_code == 302


def _without_csrf(html: str) -> str:
    import re

    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    return re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", html)


def test_password_reset_by_email(app, client, make_user, run_jobs, smtp, db):
    user = make_user("member", email="oubli@essai.example")
    other_client = app.test_client()
    other_client.post("/connexion", data={"email": user.email, "password": TEST_PASSWORD})
    page = client.post("/mot-de-passe-oublie", data={"email": "OUBLI@essai.example"})
    unknown = client.post("/mot-de-passe-oublie", data={"email": "inconnue@essai.example"})
    assert page.status_code == unknown.status_code == 200
    # The same answer, but for the CSRF token (signed with the time: two requests a second apart differ).
    assert _without_csrf(page.get_data(as_text=True)) == _without_csrf(
        unknown.get_data(as_text=True).replace("inconnue", "oubli")
    )
    run_jobs()
    [message] = smtp.wait_for(1)
    assert message["To"] == "oubli@essai.example"
    link = re.search(
        r"http://passerelle\.test(/reinitialiser/\S+)", message.get_body(("plain",)).get_content()
    ).group(1)
    assert (
        client.post(
            link, data={"password": "nouvelle phrase secrète", "confirm": "nouvelle phrase secrète"}
        ).status_code
        == 303
    )
    # Other sessions ended, the old password is gone, the link is spent.
    assert other_client.get("/").status_code == 302
    fresh = app.test_client()
    assert fresh.post("/connexion", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 422
    assert (
        fresh.post(
            "/connexion", data={"email": user.email, "password": "nouvelle phrase secrète"}
        ).status_code
        == 303
    )
    assert app.test_client().get(link).status_code == 400


def test_a_forged_or_tampered_reset_link_is_refused(client, make_user):
    make_user("member")
    assert client.get("/reinitialiser/pas-un-jeton").status_code == 400
    assert "pas valide" in client.get("/reinitialiser/pas-un-jeton").get_data(as_text=True)


def test_the_forgotten_password_form_is_rate_limited(app, client, monkeypatch):
    # Sign-in itself counts failures only (tests/security/test_sign_in_throttle.py).
    from intranet.extensions import limiter

    limiter.reset()
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    codes = [
        client.post("/mot-de-passe-oublie", data={"email": f"p{i}@essai.example"}).status_code
        for i in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    assert "Trop de tentatives" in client.post(
        "/mot-de-passe-oublie", data={"email": "p@essai.example"}
    ).get_data(as_text=True)
    limiter.reset()


def test_coordinators_invite_only_into_their_own_organization(login_as, make_org, db):
    own = make_org()
    other = make_org()
    client, _coordinator = login_as("coordinator", org=own)
    assert client.get(f"/gestion/organismes/{other.id}").status_code == 404
    refused = client.post(
        f"/gestion/organismes/{own.id}",
        data={
            "name": "X",
            "email": "x@essai.example",
            "organization_id": other.id,
            "role": "member",
            "locale": "fr",
        },
    )
    assert refused.status_code == 422
    assert db.session.scalar(sa.select(User).where(User.email == "x@essai.example")) is None
    as_staff = client.post(
        f"/gestion/organismes/{own.id}",
        data={
            "name": "Y",
            "email": "y@essai.example",
            "organization_id": own.id,
            "role": "staff",
            "locale": "fr",
        },
    )
    assert as_staff.status_code == 422
    ok = client.post(
        f"/gestion/organismes/{own.id}",
        data={
            "name": "Z",
            "email": "z@essai.example",
            "organization_id": own.id,
            "role": "member",
            "locale": "en",
        },
    )
    assert ok.status_code == 303


def test_inviting_an_existing_email_is_refused_with_a_message(login_as, make_user):
    client, staff = login_as("staff")
    existing = make_user("member")
    response = client.post(
        f"/gestion/organismes/{existing.organization_id}",
        data={
            "name": "Doublon",
            "email": existing.email.upper(),
            "organization_id": existing.organization_id,
            "role": "member",
            "locale": "fr",
        },
    )
    assert response.status_code == 422
    assert "Une personne utilise déjà cette adresse." in response.get_data(as_text=True)


def test_organizations_have_a_town_and_no_address_field(login_as, make_region, db):
    from intranet.accounts.models import Organization

    columns = {c.name for c in Organization.__table__.columns}
    assert not {"address", "street", "postal_code", "adresse"} & columns
    client, _staff = login_as("staff")
    region = make_region("Mauricie")
    response = client.post(
        "/gestion/organismes",
        data={"name": "Maison Nouvelle", "sector": "shelter", "region_id": region.id, "town": "Shawinigan"},
    )
    assert response.status_code == 303
    empty = client.post(
        "/gestion/organismes", data={"name": "", "sector": "shelter", "region_id": region.id, "town": ""}
    )
    assert empty.status_code == 422 and "Indiquez le nom." in empty.get_data(as_text=True)


def test_sign_out_everywhere_keeps_the_current_session(app, make_user):
    user = make_user("member")
    first, second = app.test_client(), app.test_client()
    for c in (first, second):
        c.post("/connexion", data={"email": user.email, "password": TEST_PASSWORD})
    assert first.post("/compte/sessions/fermer").status_code == 303
    assert first.get("/").status_code == 200
    assert second.get("/").status_code == 302


def test_change_password_requires_the_current_one(login_as):
    client, _user = login_as("member")
    wrong = client.post(
        "/compte/mot-de-passe",
        data={
            "password-current": "mauvais",
            "password-password": "une nouvelle phrase",
            "password-confirm": "une nouvelle phrase",
        },
    )
    assert wrong.status_code == 422 and "Le mot de passe actuel est incorrect." in wrong.get_data(
        as_text=True
    )
    ok = client.post(
        "/compte/mot-de-passe",
        data={
            "password-current": TEST_PASSWORD,
            "password-password": "une nouvelle phrase",
            "password-confirm": "une nouvelle phrase",
        },
    )
    assert ok.status_code == 303
    assert client.get("/").status_code == 200


def test_the_page_asked_for_is_shown_after_sign_in(client, make_user):
    # The return path lives in the session (tests/security/test_public_pages.py has the rest).
    user = make_user("member")
    assert client.get("/compte").headers["Location"] == "/connexion"
    response = client.post("/connexion", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/compte"
