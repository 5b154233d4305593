"""In a real browser: book a full session (waiting list, position shown by htmx), then be promoted
when the person holding the seat cancels from her own browser."""

from __future__ import annotations

from tests.browser.conftest import browser_login
from tests.conftest import TEST_PASSWORD


def test_book_a_full_session_then_get_the_seat_after_a_cancellation(
    browser,
    page,
    live_server,
    make_user,
    make_session,
    db,
):
    session = make_session(capacity=1)
    holder = make_user(name="Hélène Titulaire")
    waiter = make_user(name="Inès Attente")
    db.session.commit()
    url = f"{live_server}/formations/seances/{session.id}"

    # The holder takes the only seat from her browser.
    holder_context = browser.new_context(locale="fr-CA")
    holder_page = holder_context.new_page()
    browser_login(holder_page, live_server, holder.email, TEST_PASSWORD)
    holder_page.goto(url)
    holder_page.get_by_role("button", name="M’inscrire", exact=True).click()
    holder_page.get_by_text("Votre inscription est confirmée.").wait_for()

    # The session is now full: the other person joins the waiting list (htmx swaps the box).
    browser_login(page, live_server, waiter.email, TEST_PASSWORD)
    page.goto(url)
    booking = page.locator("#booking")
    assert "Complet" in booking.inner_text()
    page.get_by_role("button", name="M’inscrire sur la liste d’attente", exact=True).click()
    page.get_by_text("Vous êtes sur la liste d’attente, position 1.").wait_for()
    assert page.url == url  # swapped in place, no full navigation

    # The holder cancels; the seat goes at once to the first in line.
    holder_page.get_by_role("button", name="Annuler mon inscription", exact=True).click()
    # It asks first (tests/browser/test_confirmations.py), in a dialog.
    holder_page.locator("dialog").get_by_role("button", name="Annuler mon inscription", exact=True).click()
    holder_page.get_by_text("Inscription annulée.").wait_for()
    holder_context.close()
    page.reload()
    page.get_by_text("Votre inscription est confirmée.").wait_for()
    assert "Salle Les Pins" in page.locator("#booking").inner_text()  # the room, now hers to see
