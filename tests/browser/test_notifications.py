"""The member's flow in a real browser: the header's count, reading with htmx, the preferences."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import browser_login
from tests.conftest import TEST_PASSWORD


def test_reading_notifications_updates_the_header_and_preferences_are_saved(page, live_server, make_user, db):
    from intranet.events import notify
    from intranet.notifications.models import Frequency, NotificationPreference

    member = make_user("member")
    for title in ("Plan de sécurité avec les enfants", "Accueillir avec une interprète"):
        notify.send(None, user_ids=[member.id], kind="waitlist_promoted", title=title, endpoint="home.index", values={})
    db.session.commit()

    browser_login(page, live_server, member.email, TEST_PASSWORD)
    bell = page.locator("#notif-bell")
    assert bell.locator(".count").inner_text() == "2"
    bell.get_by_role("link").click()
    page.wait_for_url(f"{live_server}/notifications")
    assert page.get_by_role("heading", level=1).inner_text() == "Notifications"

    # htmx: the item is swapped in place and the header's count follows, without a page load.
    page.evaluate("window.__same_page = true")
    page.get_by_role("button", name="Marquer comme lue").first.click()
    expect(bell.locator(".count")).to_have_text("1")
    assert page.evaluate("window.__same_page") is True
    assert page.locator(".notif.unread").count() == 1

    page.get_by_role("button", name="Tout marquer comme lu").click()
    expect(bell.locator(".count")).to_have_count(0)
    assert page.get_by_text("Tout est lu.").is_visible()

    page.get_by_role("link", name="Choisir ce que vous recevez par courriel").click()
    page.get_by_label("Chaque jour").check()
    page.get_by_label("Langue des courriels").select_option("en")
    page.get_by_role("button", name="Enregistrer").click()
    assert page.get_by_text("Vos préférences sont enregistrées.").is_visible()
    db.session.remove()
    pref = db.session.get(NotificationPreference, member.id)
    assert pref.frequency == Frequency.DAILY and pref.locale == "en"
