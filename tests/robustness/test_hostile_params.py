"""Hostile values in every parameter of every route of the URL map, as anonymous and as each role:
no server error and no traceback, whatever arrives.

The parameters a route reads are found by asking each route once while recording which query
keys its code reads (the request's parameter dictionary notes them), so a parameter added to a
view is fuzzed as soon as it lands; path parameters come from the rule. Values are drawn by
Hypothesis from the hostile set (huge and negative integers, NUL, invalid UTF-8 percent-escapes,
very long strings, markup) and random text, with a fixed seed (``derandomize``) and a bounded
number of examples; every route also gets one request with every parameter at its most hostile.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import IntegerConverter

from intranet.params import BoundedMultiDict
from tests.security import world
from tests.security.test_matrix import SESSION_ENDING

ROLES = ("anonymous", "member", "coordinator", "staff", "admin", "partner")
INTEGERS = [
    "99999999999999999999999",
    str(2**63),
    str(2**31),
    "-1",
    "-99999999999999999999999",
    "0",
    "9" * 5000,
]
TEXTS = [
    "\x00",
    "a\x00b",
    "<script>alert(1)</script>",
    '"><svg/onload=alert(1)>',
    "A" * 5000,
    "{{ 7*7 }}",
    "../../etc/passwd",
    "\u202eevil",
    " ",
    "1e309",
    "NaN",
    "%s%n",
]
#: Sent as they are: invalid UTF-8 and broken escapes.
RAW = ["%ff%fe", "%c3%28", "%ed%a0%80", "%80", "%", "%zz", "%f0%9f%92"]
TRACEBACK = re.compile(
    r"Traceback \(most recent call last\)|File \"/|sqlalchemy|sqlite3|psycopg|OperationalError|OverflowError"
    r"|ValueError|TypeError|KeyError|werkzeug\.|jinja2\.|UndeclaredWrite"
)
EXAMPLES = 120

# The worst value of each kind, for the sweep every route gets.
WORST = [
    quote(INTEGERS[0], safe=""),
    RAW[0],
    quote(TEXTS[1], safe=""),
    quote(TEXTS[2], safe=""),
    quote("A" * 3000),
]

hostile = st.one_of(
    st.sampled_from(INTEGERS + TEXTS).map(lambda v: quote(v, safe="")),
    st.sampled_from(RAW),
    st.integers().map(lambda n: quote(str(n), safe="")),
    st.text(max_size=40).map(lambda v: quote(v, safe="")),
)


class _Recording(BoundedMultiDict):
    read: set[str] = set()

    def get(self, key, default=None, type=None):
        _Recording.read.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        _Recording.read.add(key)
        return super().getlist(key, type)

    def __getitem__(self, key):
        _Recording.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        _Recording.read.add(key)
        return super().__contains__(key)


_PART = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


class Target:
    """One route: how to build its path from values, and a real value of each path parameter."""

    def __init__(self, rule, url: str, adapter) -> None:
        self.rule = rule
        self.endpoint = rule.endpoint
        self.methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        self.real = {
            k: str(v) for k, v in adapter.match(url.split("?")[0], method=self.methods[0])[1].items()
        }
        self.ints = {a for a, c in rule._converters.items() if isinstance(c, IntegerConverter)}
        self.names: set[str] = set()

    def path(self, values: dict[str, str]) -> str:
        return _PART.sub(lambda m: values.get(m.group(2), self.real[m.group(2)]), self.rule.rule)


def _targets(app, org_id, clients, monkeypatch) -> list[Target]:
    """Every route, with the query keys its code reads (asked once by each role)."""
    adapter = app.url_map.bind("localhost")
    rules = {r.endpoint: r for r in app.url_map.iter_rules()}
    targets = []
    monkeypatch.setattr(app.request_class, "parameter_storage_class", _Recording)
    for route in world.routes(app, org_id):
        if route.endpoint in SESSION_ENDING:
            continue
        target = Target(rules[route.endpoint], route.urls["any"], adapter)
        if "GET" in target.methods:
            for role in ROLES:
                _Recording.read = set()
                clients[role].get(route.urls["any"])
                target.names |= _Recording.read
        targets.append(target)
    monkeypatch.undo()
    return targets


def _ask(db, client, method: str, url: str, headers: dict, failures: list[str], where: str) -> None:
    try:
        response = client.open(url, method=method, headers=headers)
    except Exception as exc:  # the test app propagates what would be a 500
        db.session.rollback()
        failures.append(f"{where} {method} {url[:160]}: {type(exc).__name__}: {str(exc)[:160]}")
        return
    if response.status_code >= 500:
        failures.append(f"{where} {method} {url[:160]}: {response.status_code}")
        return
    body = response.get_data().decode("utf-8", "replace")
    found = TRACEBACK.search(body)
    if found:
        failures.append(f"{where} {method} {url[:160]}: shows {found.group(0)!r}")


def test_hostile_values_in_every_parameter_of_every_route(app, db, monkeypatch):
    org_id, _canaries, clients = world.demo_world(app)
    targets = _targets(app, org_id, clients, monkeypatch)
    names = sorted(set().union(*(t.names for t in targets)))
    assert len(targets) > 80 and {"theme", "page", "annee", "q", "region"} <= set(names), names
    failures: list[str] = []

    # The sweep: every route, every method, every role, every parameter at its most hostile.
    for i, target in enumerate(targets):
        for j, role in enumerate(ROLES):
            worst = WORST[(i + j) % len(WORST)]
            path = target.path(
                {a: worst if a not in target.ints else quote(INTEGERS[(i + j) % 3]) for a in target.real}
            )
            query = "&".join(f"{n}={worst}" for n in sorted(target.names or names))
            for method in target.methods:
                _ask(db, clients[role], method, f"{path}?{query}", {}, failures, role)

    # Hypothesis: random routes, roles, parameters and values, page or fragment.
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def ask(data):
        target = data.draw(st.sampled_from(targets))
        role = data.draw(st.sampled_from(ROLES))
        values = {a: data.draw(st.one_of(st.just(v), hostile)) for a, v in target.real.items()}
        wanted = sorted(target.names) + data.draw(st.lists(st.sampled_from(names), max_size=3))
        query = "&".join(f"{quote(n)}={data.draw(hostile)}" for n in wanted)
        method = data.draw(st.sampled_from(target.methods))
        headers = data.draw(st.sampled_from([{}, {"HX-Request": "true"}]))
        _ask(db, clients[role], method, f"{target.path(values)}?{query}", headers, failures, role)

    ask()
    for role in ROLES[1:]:  # every account is still signed in: the coverage was not lost on the way
        assert clients[role].get("/compte").status_code == 200, role
    assert not failures, "\n".join(sorted(set(failures))[:60])


@pytest.mark.parametrize("raw", RAW)
def test_invalid_percent_escapes_in_a_path_are_not_found(client, raw):
    assert client.get(f"/taches/{raw}").status_code in (302, 404)
    assert client.get(f"/agenda/{raw}.ics").status_code == 404
