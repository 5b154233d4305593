"""The main flow in a real browser: write a practice, publish it, find it by search, with and
without JavaScript."""

from __future__ import annotations

import re

from intranet.themes.models import Theme
from tests.browser.conftest import browser_login
from tests.conftest import TEST_PASSWORD


def test_write_publish_and_find_a_practice_with_and_without_javascript(
    browser, page, live_server, make_user, make_org, db
):

    theme = Theme(name_fr="Interprétariat", name_en="Interpreting", slug="interpretariat")
    db.session.add(theme)
    author = make_user("member")
    reader = make_user("member", org=make_org(name="Organisme pont des Deux Rives", sector="immigration"))
    db.session.commit()

    browser_login(page, live_server, author.email, TEST_PASSWORD)
    page.goto(f"{live_server}/pratiques/nouvelle")
    page.get_by_label("Titre").fill("Interprètes formées à l’accueil des femmes")
    page.get_by_label("Résumé").fill("Une banque régionale d’interprètes formées à la violence conjugale.")
    page.get_by_label("Description").fill(
        "## Comment\n- Six heures de formation\n- Une entente de confidentialité"
    )
    page.get_by_label("Interprétariat").check()
    page.get_by_label("Interculturelle").check()
    page.get_by_role("button", name="Publier", exact=True).click()
    page.wait_for_url(re.compile(r"/pratiques/\d+$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Interprètes formées à l’accueil des femmes"
    assert page.locator(".pr-body h2").inner_text() == "Comment"

    # Someone of another organization finds it by typing, accents left out (htmx, no reload).
    reader_context = browser.new_context(locale="fr-CA")
    reader_page = reader_context.new_page()
    browser_login(reader_page, live_server, reader.email, TEST_PASSWORD)
    reader_page.goto(f"{live_server}/pratiques/")
    reader_page.evaluate("window.__samePage = true")
    reader_page.get_by_label("Rechercher").press_sequentially("interpretes", delay=40)
    reader_page.wait_for_url(re.compile(r"q=interpretes"))
    result = reader_page.locator(".pr-card h2 a").first
    result.wait_for()
    assert result.inner_text() == "Interprètes formées à l’accueil des femmes"
    assert reader_page.locator("#pr-count").inner_text().startswith("1 pratique")
    assert reader_page.evaluate("window.__samePage") is True  # the page was not reloaded
    result.click()
    reader_page.wait_for_url(re.compile(r"/pratiques/\d+$"))
    reader_page.go_back()
    reader_page.wait_for_url(re.compile(r"q=interpretes"))
    assert reader_page.get_by_label("Rechercher").input_value() == "interpretes"
    reader_context.close()

    # Without JavaScript: the same search from the plain form.
    plain = browser.new_context(locale="fr-CA", java_script_enabled=False)
    plain_page = plain.new_page()
    browser_login(plain_page, live_server, reader.email, TEST_PASSWORD)
    plain_page.goto(f"{live_server}/pratiques/")
    plain_page.get_by_label("Rechercher").fill("INTERPRÈTE")
    plain_page.get_by_role("button", name="Chercher").click()
    plain_page.wait_for_url(re.compile(r"q=INTERPR"))
    assert (
        plain_page.locator(".pr-card h2 a").first.inner_text() == "Interprètes formées à l’accueil des femmes"
    )
    plain.close()
