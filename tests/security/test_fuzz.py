"""Random and hostile input posted to every form of the site: zero server errors, zero stored script.

Forms are found by crawling the demo network as each role (so features' forms are covered as
they land); each is posted a few times with values drawn by Hypothesis from hostile strings
(markup, script URLs, template syntax, SQL, huge numbers, impossible dates, control characters)
and random Unicode. Then every page is crawled again and must contain no executable markup.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.crawl import crawl
from tests.security import world
from tests.security.forms import executable_markup, forms_of

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "[lien](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=//evil.example>",
    "<style>body{display:none}</style>",
    "{{ 7*7 }}{% raw %}",
    "%(name)s %s {0}",
    "' OR 1=1 --",
    "Robert'); DROP TABLE practice;--",
    "\x00nul",
    "\u202eevil\u200b",
    "A" * 5000,
    "-1",
    "0",
    "99999999999999999999999",
    "2026-02-30",
    "9999-12-31T25:61",
    "../../etc/passwd",
    "NaN",
    "",
    " ",
]
SKIP_ENDPOINTS = ("/sortie", "/deconnexion", "/mes-donnees/fermer", "/langue")
SKIP_ACTIONS_CONTAINING = ("/activation", "/role", "/double-authentification", "/sessions/fermer")
ROLES = ("admin", "staff", "coordinator", "member", "partner", "anonymous")

value_strategy = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=200))


def _collect_forms(clients) -> list:
    seen, forms = set(), []
    for role in ROLES:
        client = clients[role]
        start = "/connexion" if role == "anonymous" else "/"
        for page in crawl(client, start=start, limit=120, per_shape=1):
            if page.status != 200 or "text/html" not in page.content_type:
                continue
            for form in forms_of(page.url, page.body.decode("utf-8", "replace")):
                path = form.action.split("?")[0]
                if path.startswith(SKIP_ENDPOINTS) or any(s in path for s in SKIP_ACTIONS_CONTAINING):
                    continue
                # One form per shape of action and role: /pratiques/4/x and /pratiques/9/x count once.
                key = (role, re.sub(r"/\d+", "/N", form.key[0]), form.key[1])
                if key not in seen:
                    seen.add(key)
                    forms.append((role, form))
    return forms


def _known_values(forms) -> dict[str, list[str]]:
    """Values the site already holds for each field name (to collide with unique names, etc.)."""
    known: dict[str, set[str]] = {}
    for _role, form in forms:
        for name, f in form.fields.items():
            if f.value and name != "csrf_token":
                known.setdefault(name, set()).add(f.value)
    return {name: sorted(values) for name, values in known.items()}


def _draw(data, form, known) -> dict:
    values = {}
    for name, f in form.fields.items():
        if f.kind == "file" or name == "csrf_token":
            continue
        if f.kind in ("select", "checkbox", "radio", "button") and f.options:
            choice = data.draw(st.one_of(st.sampled_from(f.options), value_strategy, st.just(None)))
            if choice is not None:
                values[name] = choice
        elif known.get(name):
            values[name] = data.draw(st.one_of(st.sampled_from(known[name]), value_strategy))
        else:
            values[name] = data.draw(value_strategy)
    return values


def _fuzz_form(db, client, role, form, known, examples: int, failures: list[str]) -> int:
    """Post ``examples`` drawings to one form; returns how many posts were made."""
    posts = 0

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def post(data):
        nonlocal posts
        values = _draw(data, form, known)
        posts += 1
        try:
            response = client.post(form.action, data=values)
        except Exception as exc:  # the test app propagates what would be a 500
            db.session.rollback()
            failures.append(
                f"{role} POST {form.action} {sorted(values)} -> {type(exc).__name__}: {str(exc)[:160]}"
            )
            return
        if response.status_code >= 500:
            failures.append(f"{role} POST {form.action} {sorted(values)} -> {response.status_code}")

    # And once with every field at its most hostile, so the worst case is always tried.
    worst = {
        name: "\x00<script>alert(1)</script>" + "A" * 3000 for name in form.fields if name != "csrf_token"
    }
    posts += 1
    try:
        response = client.post(form.action, data=worst)
        if response.status_code >= 500:
            failures.append(f"{role} POST {form.action} (all hostile) -> {response.status_code}")
    except Exception as exc:
        db.session.rollback()
        failures.append(f"{role} POST {form.action} (all hostile) -> {type(exc).__name__}: {str(exc)[:160]}")
    post()
    return posts


@pytest.mark.parametrize("examples", [3])
def test_hostile_input_to_every_form(app, db, examples):
    _org_id, _canaries, clients = world.demo_world(app)
    forms = _collect_forms(clients)
    assert len(forms) > 15, [f.action for _r, f in forms]
    known = _known_values(forms)
    failures: list[str] = []
    tried = 0
    for role, form in forms:
        tried += _fuzz_form(db, clients[role], role, form, known, examples, failures)
    assert tried >= len(forms) * examples // 2
    # Every account is still signed in (fuzzing must not have silently lost its coverage).
    for role in ROLES[:-1]:
        assert clients[role].get("/compte").status_code == 200, role
    # Stored script: nothing that would run comes back on any page, for anyone.
    for role in ROLES[:-1]:
        for page in crawl(clients[role], limit=80, per_shape=1):
            if page.status == 200 and "text/html" in page.content_type:
                problems = executable_markup(page.body.decode("utf-8", "replace"))
                if problems:
                    failures.append(f"{role} GET {page.url}: {problems[:3]}")
    print(f"{len(forms)} forms, {tried} posts")
    assert not failures, "\n".join(failures[:60])
