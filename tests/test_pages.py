"""Every page reachable by each demo role, with demo data: no server error, within its byte budget."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from intranet.assets import PAGE_ASSETS
from tests.conftest import sign_in
from tests.crawl import crawl

PAGE_BUDGET = 14 * 1024
FRAGMENT_BUDGET = 4 * 1024
ASSETS_BUDGET = 30 * 1024
DEMO_ROLES = ("admin", "staff", "coordinator", "member", "partner")


@pytest.fixture
def demo(app, db):
    from intranet.demo import ACCOUNTS, DEMO_PASSWORD, load_demo

    load_demo()
    emails = {
        "admin": ACCOUNTS[0][0],
        "staff": ACCOUNTS[1][0],
        "coordinator": ACCOUNTS[2][0],
        "member": ACCOUNTS[3][0],
        "partner": ACCOUNTS[4][0],
    }
    return emails, DEMO_PASSWORD


@pytest.mark.parametrize("role", DEMO_ROLES)
def test_every_reachable_page_is_light_and_never_fails(app, demo, role):
    emails, password = demo
    client = app.test_client()
    assert sign_in(client, emails[role], password).status_code == 303
    pages = crawl(client)
    assert len(pages) >= 2  # at least the home page and the account page
    failures = [(p.url, p.status) for p in pages if p.status >= 500]
    assert not failures, failures
    html = [p for p in pages if p.status == 200 and "text/html" in p.content_type]
    too_big = [(p.url, p.gzip_size) for p in html if not p.fragment and p.gzip_size > PAGE_BUDGET]
    assert not too_big, f"pages over {PAGE_BUDGET} bytes gzip: {too_big}"
    big_fragments = [(p.url, p.gzip_size) for p in html if p.fragment and p.gzip_size > FRAGMENT_BUDGET]
    assert not big_fragments, f"fragments over {FRAGMENT_BUDGET} bytes gzip: {big_fragments}"
    # A fragment is a fragment: no second document around it.
    assert all(b"<html" not in p.body for p in html if p.fragment)


def test_anonymous_pages_are_light(client):
    for url in ("/connexion", "/mot-de-passe-oublie"):
        response = client.get(url)
        assert response.status_code == 200
        assert len(gzip.compress(response.get_data())) <= PAGE_BUDGET


def test_css_and_js_fit_the_budget(app):
    static = Path(app.static_folder)
    total = sum(len(gzip.compress((static / name).read_bytes(), compresslevel=9)) for name in PAGE_ASSETS)
    assert total <= ASSETS_BUDGET, total


def test_every_page_loads_the_listed_assets_and_nothing_else(client):
    body = client.get("/connexion").get_data(as_text=True)
    for name in PAGE_ASSETS:
        assert f"/static/{name}?v=" in body
    assert body.count("<script") == 2
    assert (
        "<img" not in body
        and "@font-face" not in (Path(client.application.static_folder) / "css/app.css").read_text()
    )
