"""Whole flows in a real browser: sign in, quick exit, the job-status component with a real worker."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import browser_login
from tests.conftest import TEST_PASSWORD


def test_sign_in_then_quick_exit_leaves_and_ends_the_session(page, live_server, neutral_site, make_user, db):
    user = make_user("member")
    db.session.commit()
    browser_login(page, live_server, user.email, TEST_PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Bonjour")

    exit_link = page.locator("#quick-exit")
    expect(exit_link).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "quick-exit"
    page.keyboard.press("Enter")
    page.wait_for_url(neutral_site)
    assert page.get_by_role("heading", level=1).inner_text() == "Météo"
    # Coming back right away shows only the neutral site (tests/browser/test_quick_exit.py); once
    # the marker is gone, the session is seen to have ended: the sign-in page.
    page.goto(f"{live_server}/")
    assert page.url == neutral_site
    page.context.clear_cookies()
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
