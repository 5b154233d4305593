"""Lockout that slows guessing for minutes at most; one answer for every failure; common passwords refused."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from intranet.accounts.blocklist import is_common
from intranet.audit.models import AuditEvent
from intranet.database import utcnow
from tests.conftest import TEST_PASSWORD, two_factor_code

MESSAGE = "Courriel ou mot de passe incorrect."


def _neutral(response, email: str) -> str:
    """The page without what legitimately differs: the typed email and the CSRF token's timestamp."""
    return re.sub(r"[\w-]+\.[\w-]+\.[\w-]+", "T", response.get_data(as_text=True).replace(email, "X"))


_ADDRESSES = itertools.count(1)


def _try(client, email, password, address=None):
    """One attempt from a new address each time: these tests are about the lockout kept on the
    account (from any address); one email from one address is throttled earlier
    (tests/security/test_sign_in_throttle.py)."""
    address = address or f"10.{next(_ADDRESSES) % 250}.0.1"
    return client.post(
        "/connexion", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def test_repeated_failures_suspend_sign_in_for_a_short_while_with_the_same_answer(app, client, db, make_user):
    user = make_user("member")
    after = app.config["LOGIN_LOCK_AFTER"]
    answers = [_try(client, user.email, f"essai raté numéro {i}") for i in range(after)]
    assert all(r.status_code == 422 and MESSAGE in r.get_data(as_text=True) for r in answers)
    assert user.locked_until is not None
    assert user.locked_until - utcnow() <= timedelta(seconds=31)
    # Locked: even the right password gets exactly the failure answer (nothing says "locked").
    locked = _try(client, user.email, TEST_PASSWORD)
    unknown = _try(client, "personne@inconnue.example", TEST_PASSWORD)
    assert locked.status_code == unknown.status_code == 422
    assert _neutral(locked, user.email) == _neutral(unknown, "personne@inconnue.example")
    assert client.get("/").status_code == 302
    # Each further failure doubles the wait, up to the ceiling.
    for _ in range(12):
        _try(client, user.email, "encore raté")
    assert user.locked_until - utcnow() <= timedelta(seconds=app.config["LOGIN_LOCK_MAX"] + 1)
    # When the wait is over, the right password works and the counter starts again.
    user.locked_until = utcnow() - timedelta(seconds=1)
    db.session.flush()
    assert _try(client, user.email, TEST_PASSWORD).status_code == 303
    assert user.failed_logins == 0 and user.locked_until is None
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.target_id == str(user.id))
    ).all()
    assert actions.count("login.locked") == 1 and actions.count("login.failed") >= after


def test_second_factor_failures_count_too(app, client, db, make_user):
    staff = make_user("staff")
    for _ in range(app.config["LOGIN_LOCK_AFTER"]):
        client.post("/connexion", data={"email": staff.email, "password": TEST_PASSWORD})
        client.post("/connexion/code", data={"code": "000000"})
    assert staff.locked_until is not None
    client.post("/connexion", data={"email": staff.email, "password": TEST_PASSWORD})
    assert client.post("/connexion/code", data={"code": two_factor_code(staff.email)}).status_code == 422


def test_a_reset_link_unlocks_the_account(app, client, db, make_user):
    from intranet.accounts.services import make_token

    user = make_user("member")
    for i in range(app.config["LOGIN_LOCK_AFTER"]):
        _try(client, user.email, f"raté {i}")
    assert user.locked_until is not None
    link = f"/reinitialiser/{make_token(user, 'reset')}"
    assert (
        client.post(
            link, data={"password": "un phare au bout du quai", "confirm": "un phare au bout du quai"}
        ).status_code
        == 303
    )
    assert user.locked_until is None and user.failed_logins == 0


def test_unknown_emails_are_audited_without_what_was_typed(client, db):
    _try(client, "quelquun@ailleurs.example", "mon secret tapé dans le mauvais champ", "127.0.0.1")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "login.failed"))
    assert event.actor_id is None and event.details == {"reason": "unknown_account"}
    assert "ailleurs" not in str(event.details) and event.network == "127.0.0.0/24"


@pytest.mark.parametrize(
    "password",
    [
        "motdepasse123",
        "Azertyuiop123",
        "soleil2026!!!",
        "password1234",
        "qwertyuiopasdf",
        "123456789012",
        "aaaaaaaaaaaaaa",
        "abcabcabcabc",
        "Passerelle2026",
        "Réseau Passerelle",
        "1q2w3e4r5t6y",
        "Mot de passe 123",
    ],
)
def test_common_passwords_are_refused(password):
    assert is_common(password, ("Réseau Passerelle",))


@pytest.mark.parametrize(
    "password",
    [
        "un mot de passe de test assez long",
        "trois pommes sur un vélo bleu",
        "Kx9!vL2#qP7z",
        "écureuil-fanfare-brume",
    ],
)
def test_ordinary_passphrases_are_accepted(password):
    assert not is_common(password)


def test_the_personal_context_counts(login_as):
    client, user = login_as("member", email="camille.tremblay@essai.example")
    assert is_common("camille.tremblay2026", (user.email.split("@")[0],))
    response = client.post(
        "/compte/mot-de-passe",
        data={
            "password-current": TEST_PASSWORD,
            "password-password": "motdepasse12345",
            "password-confirm": "motdepasse12345",
        },
    )
    assert response.status_code == 422 and "trop courant" in response.get_data(as_text=True)
    assert "motdepasse12345" not in response.get_data(as_text=True)


def test_no_composition_rules(login_as):
    client, _user = login_as("member")
    response = client.post(
        "/compte/mot-de-passe",
        data={
            "password-current": TEST_PASSWORD,
            "password-password": "des nuages sur la baie",
            "password-confirm": "des nuages sur la baie",
        },
    )
    assert response.status_code == 303  # no digit, no capital, no symbol: fine
