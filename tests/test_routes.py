"""Generated from the URL map: every route declares who may use it, and the rule is enforced."""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from intranet.security import RULES

ROLES_BELOW = {
    "member": [],
    "coordinator": ["member"],
    "staff": ["member", "coordinator"],
    "admin": ["member", "coordinator", "staff"],
}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        values = {}
        for arg, converter in rule._converters.items():
            values[arg] = 999999 if isinstance(converter, IntegerConverter) else "x" * 8
        url = rule.build(values, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def test_every_route_has_an_access_rule(app):
    missing = sorted(
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and getattr(view, "access_rule", None) not in RULES
    )
    assert not missing, f"routes without @access(...): {missing}"


def test_anonymous_visitors_are_sent_to_sign_in(app, client):
    checked = 0
    for endpoint, method, url in _routes(app):
        rule = app.view_functions[endpoint].access_rule
        if rule == "public":
            continue
        response = client.open(url, method=method)
        assert response.status_code == 302, (endpoint, method, response.status_code)
        assert "/connexion" in response.headers["Location"], endpoint
        checked += 1
    assert checked > 10


@pytest.mark.parametrize("role", ["member", "coordinator", "staff"])
def test_roles_below_a_route_s_rule_are_refused(app, login_as, role):
    client, _user = login_as(role)
    refused = 0
    for endpoint, method, url in _routes(app):
        rule = app.view_functions[endpoint].access_rule
        if rule == "public" or role not in ROLES_BELOW[rule]:
            continue
        response = client.open(url, method=method)
        assert response.status_code == 403, (endpoint, method, role, response.status_code)
        refused += 1
    assert refused > 0


def test_htmx_requests_from_anonymous_visitors_get_a_redirect_header(client):
    response = client.get("/", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/connexion")
