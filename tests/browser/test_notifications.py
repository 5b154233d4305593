"""The member's flow in a real browser: the header's count, reading with htmx, the preferences."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import browser_login
from tests.conftest import TEST_PASSWORD


def test_reading_notifications_updates_the_header_and_preferences_are_saved(page, live_server, make_user, db):
    from intranet.events import notify
    from intranet.notifications.models import Frequency, NotificationPreference

    member = make_user("member")
    for n, title in enumerate(("Plan de sécurité avec les enfants", "Accueillir avec une interprète")):
        # Two objects: one notification per object and kind (issue 17).
        notify.send(
            None,
            user_ids=[member.id],
            kind="waitlist_promoted",
            title=title,
            endpoint="home.index",
            values={"n": n},
        )
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
    expect(page.get_by_text("Tout est lu.")).to_be_visible()

    page.get_by_role("link", name="Choisir ce que vous recevez par courriel").click()
    page.get_by_label("Chaque jour").check()
    page.get_by_label("Langue des courriels").select_option("en")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Vos préférences sont enregistrées.")).to_be_visible()
    db.session.remove()
    pref = db.session.get(NotificationPreference, member.id)
    assert pref.frequency == Frequency.DAILY and pref.locale == "en"


def test_choosing_what_emails_say_shows_that_email_beside_the_choice(
    page, live_server, make_user, make_org, db
):
    """Issue 9: each level's preview is the real email (envelope and text), swapped in by htmx as
    the member picks a level; saving keeps the choice."""
    from intranet.notifications.models import NotificationPreference
    from intranet.practices import services as practices
    from intranet.practices.models import Visibility

    org = make_org(name="Maison Canariorg")
    member = make_user("member", org=org)
    author = make_user("member", org=org, name="Personne Canarinom")
    practices.create_practice(
        author,
        practices.PracticeData(
            title="Titre Canaritre",
            summary="Texte Canarilibre pour accueillir avec une interprète.",
            body="## Comment\n- Une grille commune",
            audience="Intervenantes et intervenants",
            region_id=None,
            theme_ids=[],
            approaches=[],
            sectors=[],
            visibility=Visibility.NETWORK,
        ),
        publish=True,
    )
    db.session.commit()

    browser_login(page, live_server, member.email, TEST_PASSWORD)
    page.goto(f"{live_server}/notifications/preferences")
    preview = page.locator("#email-preview")
    # The network's default (titles only): the title, no summary, no names, a neutral subject.
    expect(preview).to_contain_text("Titre Canaritre")
    expect(preview).not_to_contain_text("Canarilibre")
    expect(preview).not_to_contain_text("Canarinom")
    expect(preview.locator(".envelope")).not_to_contain_text("Canari")

    page.evaluate("window.__same_page = true")
    page.get_by_label("Complet", exact=True).check()
    expect(preview).to_contain_text("Texte Canarilibre")
    expect(preview).to_contain_text("Maison Canariorg")
    page.get_by_label("Discret", exact=True).check()
    expect(preview).not_to_contain_text("Canaritre")
    expect(preview).to_contain_text("nouvel élément")
    expect(preview.locator(".envelope")).to_contain_text("Du nouveau pour vous")
    assert page.evaluate("window.__same_page") is True  # swapped in place, no page load

    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Vos préférences sont enregistrées.")).to_be_visible()
    expect(page.get_by_label("Discret", exact=True)).to_be_checked()
    expect(page.locator("#email-preview")).not_to_contain_text("Canaritre")
    db.session.remove()
    assert db.session.get(NotificationPreference, member.id).email_level == "discreet"
