"""The quick exit in Chromium, with and without JavaScript: Back never shows an intranet page, and
no intranet path entered the history in a query string."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_PASSWORD


@pytest.fixture(scope="module")
def chromium_with_bfcache(_playwright, chromium_path):
    """Chromium as people have it: Playwright turns the back/forward cache off by default, and a
    page kept there would come back without asking the server."""
    browser = _playwright.chromium.launch(
        executable_path=chromium_path,
        headless=True,
        ignore_default_args=["--disable-back-forward-cache"],
        args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
    )
    yield browser
    browser.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_back_after_the_quick_exit_shows_no_intranet_page(
    chromium_with_bfcache, live_server, neutral_site, make_user, db, javascript
):
    user = make_user("member")
    db.session.commit()
    context = chromium_with_bfcache.new_context(locale="fr-CA", java_script_enabled=javascript)
    context.set_default_timeout(15_000)
    page = context.new_page()
    visited: list[str] = []
    page.on("framenavigated", lambda frame: visited.append(frame.url) if frame == page.main_frame else None)
    try:
        # A page asked for before signing in: the sign-in page's address carries nothing.
        page.goto(f"{live_server}/compte")
        assert page.url == f"{live_server}/connexion"
        page.get_by_label("Courriel").fill(user.email)
        page.get_by_label("Mot de passe").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(f"{live_server}/compte")
        page.get_by_role("link", name="Accueil").click()
        page.wait_for_url(f"{live_server}/")
        entries = page.evaluate("history.length") if javascript else None

        page.locator("#quick-exit").click()
        page.wait_for_url(neutral_site)
        if javascript:  # location.replace: the page left was swapped out, not pushed down
            assert page.evaluate("history.length") == entries

        # Back, as far as the history goes: only the neutral site.
        for _ in range(6):
            if page.go_back() is None:
                break
            page.wait_for_load_state()
            assert page.url == neutral_site, page.url
            assert page.get_by_role("heading", level=1).inner_text() == "Météo"
        assert not [url for url in visited if "next=" in url], visited
        assert f"{live_server}/compte" in visited  # (the walk above did see the intranet)
    finally:
        context.close()
