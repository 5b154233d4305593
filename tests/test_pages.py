"""Every page reachable by each demo role, with demo data: no server error, within its byte budget."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from intranet.assets import PAGE_ASSETS, PUBLIC_ASSETS
from tests.conftest import sign_in
from tests.crawl import crawl
from tests.factories.demo import DEMO_ROLES
from tests.support import QueryCounter, header_bytes

PAGE_BUDGET = 14 * 1024
FRAGMENT_BUDGET = 4 * 1024
ASSETS_BUDGET = 30 * 1024
HEADER_BUDGET = 700  # a page's status line and headers, as the server sends them
# SQL statements a page of the demo may run. The flat counts of each feature's main pages as rows
# grow are in tests/test_queries.py; this ceiling is the net under every other page: a lazy load per
# row of a demo list (a dozen rows and more) takes a page past it.
STATEMENT_BUDGET = 30


@pytest.mark.parametrize("role", DEMO_ROLES)
def test_every_reachable_page_is_light_and_never_fails(app, db, demo, role):
    emails, password = demo
    client = app.test_client()
    assert sign_in(client, emails[role], password).status_code == 303
    pages = crawl(client, queries=QueryCounter(db.engine))
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
    # Light on the wire: small headers, and the session cookie is not sent again on every page.
    heavy = [(p.url, p.header_bytes) for p in pages if p.header_bytes > HEADER_BUDGET]
    assert not heavy, f"responses whose headers pass {HEADER_BUDGET} bytes: {heavy}"
    cookies = [p.url for p in pages if any(name == "Set-Cookie" for name, _ in p.headers)]
    assert not cookies, f"pages that send the session cookie again: {cookies}"
    chatty = {p.url: p.statements for p in pages if len(p.statements or ()) > STATEMENT_BUDGET}
    assert not chatty, f"pages running more than {STATEMENT_BUDGET} SQL statements: " + "\n".join(
        f"{url} ({len(sql)}): " + "\n  ".join(" ".join(s.split())[:120] for s in sql)
        for url, sql in chatty.items()
    )


def test_anonymous_pages_are_light(client):
    client.get("/connexion")  # the first visit sets the cookie that holds the form's token
    for url in ("/connexion", "/mot-de-passe-oublie"):
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200
        assert len(response.get_data()) <= PAGE_BUDGET
        assert header_bytes(response) <= HEADER_BUDGET, (url, header_bytes(response))
        assert "Set-Cookie" not in response.headers, url


def test_css_and_js_fit_the_budget(app):
    """As served: the brotli variants built at start (the gzip ones for browsers without brotli)."""
    built, manifest = Path(app.instance_path) / "static", app.extensions["static_manifest"]
    for suffix in (".br", ".gz"):
        total = sum((built / (manifest[name] + suffix)).stat().st_size for name in PAGE_ASSETS)
        assert total <= ASSETS_BUDGET, (suffix, total)


def _static_urls(body: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', body)


def test_pages_load_the_listed_assets_and_public_pages_no_script(app, client, login_as):
    manifest = app.extensions["static_manifest"]
    public = client.get("/connexion").get_data(as_text=True)
    assert _static_urls(public) == ["/static/" + manifest[name] for name in PUBLIC_ASSETS]
    assert "<script" not in public and "hx-" not in public.split("<body", 1)[1].split(">", 1)[1]
    member, _ = login_as("member")
    page = member.get("/").get_data(as_text=True)
    assert _static_urls(page) == ["/static/" + manifest[name] for name in PAGE_ASSETS]
    assert page.count("<script") == 2
    assert (
        "<img" not in page
        and "@font-face" not in (Path(client.application.static_folder) / "css/app.css").read_text()
    )
