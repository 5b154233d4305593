"""Confirm what cannot be undone, in Chromium: a native dialog with JavaScript, a page without;
"Ne rien changer" changes nothing, the action then does what it says."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import browser_login
from tests.conftest import TEST_PASSWORD

CONSEQUENCE = "Votre place ira à la première personne de la liste d’attente."


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_cancelling_a_booking_asks_first(
    browser,
    live_server,
    make_user,
    make_session,
    db,
    javascript,
):
    from intranet.trainings.models import Registration, RegistrationStatus

    session = make_session(capacity=1)
    holder = make_user(name="Hélène Titulaire")
    waiter = make_user(name="Inès Attente")
    db.session.add_all(
        [
            Registration(session_id=session.id, user_id=holder.id, status=RegistrationStatus.CONFIRMED),
            Registration(session_id=session.id, user_id=waiter.id, status=RegistrationStatus.WAITING),
        ]
    )
    db.session.commit()
    url = f"{live_server}/formations/seances/{session.id}"
    context = browser.new_context(locale="fr-CA", java_script_enabled=javascript)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        browser_login(page, live_server, holder.email, TEST_PASSWORD)
        page.goto(url)
        page.get_by_text("Votre inscription est confirmée.").wait_for()

        # First time: changed her mind.
        page.get_by_role("button", name="Annuler mon inscription", exact=True).click()
        if javascript:
            dialog = page.locator("dialog[open]")
            dialog.wait_for()
            assert page.url == url  # no navigation: a dialog over the page
            assert CONSEQUENCE in dialog.inner_text()
            expect(dialog.locator("#quick-exit")).to_be_visible()  # the quick exit stays at hand
            dialog.get_by_role("link", name="Ne rien changer").click()
            dialog.wait_for(state="hidden")
        else:
            page.wait_for_url(re.compile(r".*/formations/inscriptions/\d+/annulation\??$"))
            assert CONSEQUENCE in page.locator("main").inner_text()
            page.get_by_role("link", name="Ne rien changer").click()
            page.wait_for_url(url)
        page.get_by_text("Votre inscription est confirmée.").wait_for()
        db.session.commit()  # a fresh read (the server committed in its own transaction)
        assert RegistrationStatus.CANCELLED not in {r.status for r in db.session.query(Registration).all()}

        # Second time: she means it.
        page.get_by_role("button", name="Annuler mon inscription", exact=True).click()
        if javascript:
            dialog = page.locator("dialog[open]")
            dialog.get_by_role("button", name="Annuler mon inscription").click()
            page.get_by_text("Inscription annulée.").wait_for()
            assert page.url == url and page.locator("dialog[open]").count() == 0
        else:
            page.wait_for_url(re.compile(r".*/formations/inscriptions/\d+/annulation\??$"))
            page.locator("main").get_by_role("button", name="Annuler mon inscription").click()
            page.get_by_text("Inscription annulée.").wait_for()
        db.session.commit()  # a fresh read (the server committed in its own transaction)
        statuses = {r.user_id: r.status for r in db.session.query(Registration).all()}
        assert statuses == {holder.id: RegistrationStatus.CANCELLED, waiter.id: RegistrationStatus.CONFIRMED}
    finally:
        context.close()
