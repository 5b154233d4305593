"""A discussion at a table in a real browser, with and without JavaScript: open a thread, be
warned by the guard, confirm, reply with a quotation, and see what is new since the last visit."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import browser_login
from tests.conftest import TEST_PASSWORD


def test_a_discussion_with_and_without_javascript(browser, page, live_server, make_user, make_org, db):
    from intranet.spaces import services

    staff = make_user("staff")
    shelter = make_org(name="Maison du Fjord", sector="shelter")
    bridge = make_org(name="Pont du Fjord", sector="immigration")
    space = services.create_space(
        staff, name="Table du Fjord", description="", visibility="members", immigration_seats=1
    )
    services.seat(staff, space, shelter)
    services.seat(staff, space, bridge)
    author = make_user("member", org=shelter, name="Rose Fjord")
    reader = make_user("member", org=bridge, name="Amina Fjord")
    db.session.commit()

    browser_login(page, live_server, author.email, TEST_PASSWORD)
    page.goto(f"{live_server}/tables/{space.id}")
    page.get_by_role("link", name="Ouvrir une discussion").first.click()
    page.get_by_label("Sujet").fill("Premier contact avec interprète à distance")
    page.get_by_label("Message").fill("Comment faites-vous ? Appelez-moi au 581-555-0133.")
    page.get_by_role("button", name="Publier").click()
    # The guard shows the number marked in its context; the box confirms exactly that.
    assert page.locator(".guard mark").inner_text() == "581-555-0133"
    page.get_by_label("Message").fill("Comment faites-vous ? @Amina Fjord, vous aviez une grille ?")
    page.get_by_role("button", name="Publier").click()
    page.wait_for_url(re.compile(r"/tables/discussions/\d+$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Premier contact avec interprète à distance"
    thread_url = page.url

    # The other organization, without JavaScript: quote, reply, and the author sees it as new.
    plain = browser.new_context(locale="fr-CA", java_script_enabled=False)
    plain_page = plain.new_page()
    browser_login(plain_page, live_server, reader.email, TEST_PASSWORD)
    plain_page.goto(thread_url)
    plain_page.get_by_role("link", name="Citer").click()
    assert plain_page.get_by_label("Votre réponse").input_value().startswith("> **Rose Fjord**")
    plain_page.get_by_label("Votre réponse").fill("Oui : une page, en langage simple.")
    plain_page.get_by_role("button", name="Publier la réponse").click()
    plain_page.wait_for_url(re.compile(r"#m2$"))
    assert "Oui : une page, en langage simple." in plain_page.locator("#m2").inner_text()
    plain.close()

    page.goto(f"{live_server}/tables/{space.id}")
    assert "1 nouveau" in page.locator("main").inner_text()
    page.goto(thread_url)
    expect(page.locator("#nouveaux")).to_be_visible()
