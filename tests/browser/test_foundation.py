"""Whole flows in a real browser: sign in, quick exit, the job-status component with a real worker."""

from __future__ import annotations

import re
import threading

import pytest
from werkzeug.serving import make_server

from tests.browser.conftest import browser_login
from tests.conftest import TEST_PASSWORD
from tests.support import free_port


@pytest.fixture
def neutral_site(app, monkeypatch):
    """Stands in for the neutral site (the machine has no Internet): a second local server."""

    def neutral(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return ["<!doctype html><title>Météo</title><h1>Météo</h1>".encode()]

    server = make_server("127.0.0.1", free_port(), neutral, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/meteo"
    monkeypatch.setitem(app.config, "QUICK_EXIT_URL", url)
    yield url
    server.shutdown()


def test_sign_in_then_quick_exit_leaves_and_ends_the_session(page, live_server, neutral_site, make_user, db):
    user = make_user("member")
    db.session.commit()
    browser_login(page, live_server, user.email, TEST_PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Bonjour")

    exit_link = page.locator("#quick-exit")
    assert exit_link.is_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "quick-exit"
    page.keyboard.press("Enter")
    page.wait_for_url(neutral_site)
    assert page.get_by_role("heading", level=1).inner_text() == "Météo"
    # The session ended on the server: coming back shows the sign-in page.
    page.goto(f"{live_server}/")
    assert "/connexion" in page.url


def test_directory_export_runs_on_a_real_worker_and_offers_the_file(
    page, live_server, worker_process, make_user, make_org, db
):
    staff = make_user("staff")
    make_org(name="Maison Les Épinettes", region="Côte-Nord", town="Baie-Comeau")
    db.session.commit()
    browser_login(page, live_server, staff.email, TEST_PASSWORD)
    page.goto(f"{live_server}/gestion/organismes")
    page.get_by_role("button", name="Exporter le répertoire (CSV)").click()
    # The status fragment polls until the worker is done, then shows the download link.
    link = page.get_by_role("link", name=re.compile("Télécharger"))
    link.wait_for(timeout=30_000)
    with page.expect_download() as download_info:
        link.click()
    content = open(download_info.value.path(), encoding="utf-8-sig").read()
    assert "Maison Les Épinettes" in content and "Côte-Nord" in content
