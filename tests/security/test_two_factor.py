"""Two-factor sign-in: required for staff and administrators, offered to everyone, recoverable."""

from __future__ import annotations

import re

import pyotp
import pytest
import sqlalchemy as sa

from intranet.accounts.models import RecoveryCode, User
from intranet.audit.models import AuditEvent
from tests.conftest import TEST_PASSWORD, TEST_TOTP_SECRET, sign_in, two_factor_code


def _actions(db, user) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.target_id == str(user.id)).order_by(AuditEvent.id)
        )
    )


def _setup_secret(page: str) -> str:
    return re.search(r'class="sec-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")


def test_staff_without_a_second_factor_must_enrol_before_entering(app, client, db, make_user):
    staff = make_user("staff", two_factor=False)
    response = client.post(
        "/connexion", data={"email": staff.email, "password": TEST_PASSWORD, "next": "/compte"}
    )
    assert (
        response.status_code == 303 and response.headers["Location"] == "/connexion/double-authentification"
    )
    assert client.get("/").status_code == 302  # not signed in yet
    page = client.get("/connexion/double-authentification")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert (
        "<svg" in body and 'role="img"' in body and "<title>" in body
    )  # server-drawn QR code, no image request
    assert "style=" not in body.split("<svg", 1)[1].split("</svg>", 1)[0]  # nothing the CSP would block
    secret = _setup_secret(body)
    wrong = client.post("/connexion/double-authentification", data={"code": "000000"})
    assert wrong.status_code == 422 and "pas valide" in wrong.get_data(as_text=True)
    # The same secret is kept across reloads, so a scanned code stays valid.
    assert _setup_secret(client.get("/connexion/double-authentification").get_data(as_text=True)) == secret
    ok = client.post("/connexion/double-authentification", data={"code": pyotp.TOTP(secret).now()})
    assert ok.status_code == 200
    codes = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", ok.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert 'href="/compte"' in ok.get_data(as_text=True)  # continues where the person was going
    assert client.get("/").status_code == 200
    assert staff.two_factor_enabled
    stored = db.session.scalars(
        sa.select(RecoveryCode.code_hash).where(RecoveryCode.user_id == staff.id)
    ).all()
    assert len(stored) == 10 and not {c.replace("-", "") for c in codes} & set(stored)  # hashes only
    assert "2fa.enabled" in _actions(db, staff) and "login.succeeded" in _actions(db, staff)


def test_an_enrolled_account_needs_the_current_code_and_a_code_works_once(app, db, make_user):
    admin = make_user("admin")
    client = app.test_client()
    first = client.post("/connexion", data={"email": admin.email, "password": TEST_PASSWORD})
    assert first.headers["Location"] == "/connexion/code"
    assert client.get("/gestion/organismes").status_code == 302  # the password alone is not enough
    bad = client.post("/connexion/code", data={"code": "123456"})
    assert bad.status_code == 422
    code = two_factor_code(admin.email)
    assert client.post("/connexion/code", data={"code": code}).status_code == 303
    assert client.get("/gestion/organismes").status_code == 200
    # The same code replayed in another browser within its 30 seconds is refused.
    other = app.test_client()
    other.post("/connexion", data={"email": admin.email, "password": TEST_PASSWORD})
    assert other.post("/connexion/code", data={"code": code}).status_code == 422
    assert other.get("/").status_code == 302


def test_codes_from_the_wrong_time_are_refused(db, make_user):
    from intranet.accounts import twofactor

    user = make_user("staff")
    totp = pyotp.TOTP(TEST_TOTP_SECRET)
    now = 1_900_000_000
    assert not twofactor.verify_totp(user, totp.at(now - 120), now=now)
    assert not twofactor.verify_totp(user, totp.at(now + 120), now=now)
    assert twofactor.verify_totp(user, totp.at(now - 30), now=now)  # one step of clock drift
    assert not twofactor.verify_totp(user, totp.at(now - 30), now=now)  # never twice
    assert not twofactor.verify_totp(user, "12345a", now=now)


def test_a_recovery_code_signs_in_once(app, db, make_user):
    from intranet.accounts import twofactor

    staff = make_user("staff")
    codes = twofactor.new_recovery_codes(staff)
    client = app.test_client()
    client.post("/connexion", data={"email": staff.email, "password": TEST_PASSWORD})
    response = client.post("/connexion/code", data={"code": codes[0].upper().replace("-", " ")})
    assert response.status_code == 303
    assert "il vous en reste 9" in client.get("/").get_data(as_text=True)
    again = app.test_client()
    again.post("/connexion", data={"email": staff.email, "password": TEST_PASSWORD})
    assert again.post("/connexion/code", data={"code": codes[0]}).status_code == 422
    assert "recovery" in str(
        db.session.scalar(
            sa.select(AuditEvent.details)
            .where(AuditEvent.action == "login.succeeded")
            .order_by(AuditEvent.id.desc())
        )
    )


def test_members_may_turn_it_on_and_off_staff_may_not_turn_it_off(app, db, make_user, login_as):
    client, member = login_as("member")
    assert client.get("/compte/double-authentification").status_code == 200
    secret = member.totp_secret
    enabled = client.post("/compte/double-authentification", data={"code": pyotp.TOTP(secret).now()})
    assert enabled.status_code == 200 and member.two_factor_enabled
    assert client.get("/").status_code == 200  # the session was rotated, not lost
    # Next sign-in asks for the code.
    fresh = app.test_client()
    assert (
        fresh.post("/connexion", data={"email": member.email, "password": TEST_PASSWORD}).headers["Location"]
        == "/connexion/code"
    )
    wrong = client.post(
        "/compte/double-authentification/desactiver", data={"password": "pas le bon", "code": "000000"}
    )
    assert wrong.status_code == 422 and member.two_factor_enabled
    off = client.post(
        "/compte/double-authentification/desactiver",
        data={"password": TEST_PASSWORD, "code": two_factor_code(member.email)},
    )
    assert off.status_code == 303 and not member.two_factor_enabled
    assert (
        db.session.scalar(sa.select(sa.func.count(RecoveryCode.id)).where(RecoveryCode.user_id == member.id))
        == 0
    )

    staff_client, staff = login_as("staff")
    assert staff_client.get("/compte/double-authentification/desactiver").status_code == 303
    staff_client.post(
        "/compte/double-authentification/desactiver",
        data={"password": TEST_PASSWORD, "code": two_factor_code(staff.email)},
    )
    assert staff.two_factor_enabled


def test_renewing_recovery_codes_needs_the_password_and_replaces_them(login_as, db):
    from intranet.accounts import twofactor

    client, staff = login_as("staff")
    old = twofactor.new_recovery_codes(staff)
    assert client.post("/compte/double-authentification/codes", data={"password": "faux"}).status_code == 422
    response = client.post("/compte/double-authentification/codes", data={"password": TEST_PASSWORD})
    new = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", response.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    assert not twofactor.use_recovery_code(staff, old[0])
    assert twofactor.use_recovery_code(staff, new[0])


def test_an_administrator_resets_a_lost_second_factor_and_it_is_recorded(
    app, db, login_as, make_user, run_jobs, smtp
):
    admin_client, admin = login_as("admin")
    staff = make_user("staff", email="perdu@essai.example")
    staff_client = app.test_client()
    assert sign_in(staff_client, staff.email).status_code == 303
    # The button on the organization's page asks first, and asking changes nothing.
    listing = admin_client.get(f"/gestion/organismes/{staff.organization_id}").get_data(as_text=True)
    assert re.search(
        rf'<form method="get" action="/gestion/personnes/{staff.id}/double-authentification" data-confirm',
        listing,
    )
    asked = admin_client.get(f"/gestion/personnes/{staff.id}/double-authentification")
    assert asked.status_code == 200 and "Vérifiez d’abord son identité" in asked.get_data(as_text=True)
    assert staff.two_factor_enabled
    response = admin_client.post(f"/gestion/personnes/{staff.id}/double-authentification")
    assert response.status_code == 303
    assert not staff.two_factor_enabled and staff.totp_secret is None
    assert staff_client.get("/").status_code == 302  # sessions ended
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "2fa.reset"))
    assert event.actor_id == admin.id and event.target_id == str(staff.id)
    run_jobs()
    [message] = smtp.wait_for(1)
    assert message["To"] == "perdu@essai.example" and "Sécurité de votre compte" in message["Subject"]
    assert "réinitialiser la double authentification" in message.get_body(("plain",)).get_content()
    # Next sign-in: enrol again.
    again = app.test_client()
    assert (
        again.post("/connexion", data={"email": staff.email, "password": TEST_PASSWORD}).headers["Location"]
        == "/connexion/double-authentification"
    )
    # An administrator cannot reset their own (someone else must), and staff cannot reset anyone's.
    admin_client.post(f"/gestion/personnes/{admin.id}/double-authentification")
    assert admin.two_factor_enabled
    staff_client2, _ = login_as("staff")
    assert staff_client2.post(f"/gestion/personnes/{admin.id}/double-authentification").status_code == 403


def test_a_reset_link_does_not_skip_the_second_factor(app, db, make_user):
    from intranet.accounts.services import make_token

    staff = make_user("staff")
    client = app.test_client()
    link = f"/reinitialiser/{make_token(staff, 'reset')}"
    response = client.post(
        link, data={"password": "trois pommes sur un vélo bleu", "confirm": "trois pommes sur un vélo bleu"}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/connexion/code"
    assert client.get("/").status_code == 302
    assert client.post("/connexion/code", data={"code": two_factor_code(staff.email)}).status_code == 303
    assert client.get("/").status_code == 200


def test_the_pending_step_expires(app, client, make_user, monkeypatch):
    staff = make_user("staff")
    client.post("/connexion", data={"email": staff.email, "password": TEST_PASSWORD})
    monkeypatch.setitem(app.config, "TWO_FACTOR_PENDING_MAX_AGE", -1)
    response = client.post("/connexion/code", data={"code": two_factor_code(staff.email)})
    assert response.status_code == 303 and response.headers["Location"] == "/connexion"
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("url", ["/connexion/code", "/connexion/double-authentification"])
def test_second_step_pages_need_a_first_step(client, url):
    response = client.get(url)
    assert response.status_code == 303 and response.headers["Location"] == "/connexion"


def test_demo_team_is_enrolled_with_the_published_demo_key(app, db):
    from intranet.accounts.demo import DEMO_TOTP_SECRET
    from intranet.demo import load_demo

    load_demo()
    team = db.session.scalars(sa.select(User).where(User.role.in_(["staff", "admin"]))).all()
    assert team and all(u.totp_secret == DEMO_TOTP_SECRET and u.two_factor_enabled for u in team)
    result = app.test_cli_runner().invoke(args=["demo-codes"])
    assert result.exit_code == 0 and re.search(r"^\d{6}  admin@demo", result.output, re.M)


def test_a_session_without_the_second_factor_its_role_requires_is_not_honoured(login_as, db):
    from intranet.accounts.models import Role

    client, user = login_as("member")
    assert client.get("/").status_code == 200
    user.role = Role.STAFF  # e.g. changed in the database, or a session from before 2FA was required
    db.session.flush()
    assert client.get("/").status_code == 302
