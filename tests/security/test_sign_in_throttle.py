"""Sign-in throttling that fits a room full of people behind one address (accounts/throttle.py).

The counters live in the test Redis (embedded with SQLite, the real one with PostgreSQL)."""

from __future__ import annotations

import re

from intranet.accounts import throttle
from intranet.extensions import limiter
from tests.conftest import TEST_PASSWORD

ROOM = {"REMOTE_ADDR": "198.51.100.7"}


def _try(client, email, password, address=ROOM):
    return client.post("/connexion", data={"email": email, "password": password}, environ_base=address)


def test_forty_people_in_one_room_all_sign_in_within_the_same_minute(app, make_user, monkeypatch):
    # What is counted does not depend on the hash's cost: a light one keeps this test short.
    from argon2 import PasswordHasher

    from intranet.accounts import passwords

    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    password = "quarante personnes dans une salle"
    people = [make_user("member", password=None) for _ in range(40)]
    for person in people:
        person.password_hash = passwords.hash_password(password)
    answers = []
    for i, person in enumerate(people):
        client = app.test_client()
        if i % 8 == 0:  # a few typos on the way, as on any morning
            assert _try(client, person.email, "faute de frappe").status_code == 422
        answers.append(_try(client, person.email, password).status_code)
    assert answers == [303] * 40


def _wait(response) -> int:
    assert response.status_code == 429
    return int(response.headers["Retry-After"])


def test_wrong_passwords_on_one_account_lock_it_with_growing_delays(app, client, make_user):
    user = make_user("member")
    after = app.config["LOGIN_PAIR_LOCK_AFTER"]
    answers = [_try(client, user.email, f"essai raté {i}") for i in range(after)]
    assert [a.status_code for a in answers[:-1]] == [422] * (after - 1)
    # The failure that starts the wait says so, and for how long.
    first = _wait(answers[-1])
    assert 25 <= first <= 30
    assert re.search(r"réessayez dans (29|30)\ssecondes", answers[-1].get_data(as_text=True))
    # Even the right password waits, with the same answer as for any email.
    assert _wait(_try(client, user.email, TEST_PASSWORD)) <= 30
    unknown = [_try(client, "personne@inconnue.example", f"essai {i}") for i in range(after)]
    assert _wait(unknown[-1]) == first
    # Each wait over, one more failure doubles the next one.
    key = throttle._pair(user.email, ROOM["REMOTE_ADDR"]) + "/lock"
    waits = []
    for _ in range(3):
        limiter.storage.clear(key)  # as if the wait were over
        waits.append(_wait(_try(client, user.email, "encore raté")))
    assert waits[0] > 55 and waits[1] > 115 and waits[2] > 235
    # Another address is not held back by this one...
    elsewhere = app.test_client()
    assert _try(elsewhere, user.email, TEST_PASSWORD, {"REMOTE_ADDR": "203.0.113.9"}).status_code == 303
    # ...and once the wait is over the right password works and the count starts again.
    limiter.storage.clear(key)
    assert _try(client, user.email, TEST_PASSWORD).status_code == 303
    assert limiter.storage.get(throttle._pair(user.email, ROOM["REMOTE_ADDR"])) == 0


def test_guessing_spread_over_many_addresses_locks_the_account_itself(app, make_user):
    user = make_user("member")
    for i in range(app.config["LOGIN_LOCK_AFTER"]):
        response = _try(app.test_client(), user.email, "raté", {"REMOTE_ADDR": f"192.0.2.{i + 1}"})
        assert response.status_code == 422
    assert user.locked_until is not None
    refused = _try(app.test_client(), user.email, TEST_PASSWORD, {"REMOTE_ADDR": "192.0.2.200"})
    assert refused.status_code == 422 and "Courriel ou mot de passe incorrect" in refused.get_data(
        as_text=True
    )


def test_an_address_that_fails_too_often_waits_whatever_the_email(app, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_FAILURES", "6 per 5 minutes")
    user = make_user("member")
    codes = [_try(client, f"personne{i}@essai.example", "raté").status_code for i in range(6)]
    assert codes == [422] * 5 + [429]
    refused = _try(client, user.email, TEST_PASSWORD)
    assert refused.status_code == 429 and "depuis ce réseau" in refused.get_data(as_text=True)
    assert 0 < int(refused.headers["Retry-After"]) <= 300
    # People elsewhere sign in as usual.
    assert (
        _try(app.test_client(), user.email, TEST_PASSWORD, {"REMOTE_ADDR": "203.0.113.9"}).status_code == 303
    )


def test_the_wait_is_told_in_the_reader_s_language_and_keeps_what_was_typed(app, client, make_user):
    user = make_user("member")
    client.post("/langue", data={"lang": "en", "next": "/connexion"}, environ_base=ROOM)
    for i in range(app.config["LOGIN_PAIR_LOCK_AFTER"]):
        response = _try(client, user.email, f"wrong {i}")
    body = response.get_data(as_text=True)
    assert response.status_code == 429 and re.search(r"try again in (29|30)\sseconds", body)
    assert re.search(rf'value="{re.escape(user.email)}"', body)
