"""A time poll in a real browser, with and without JavaScript: the facilitator proposes slots, two
organizations answer (one without script, who then changes an answer), the facilitator picks the
slot with the most "yes", the date shows, and the organization registers and sees the link."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from tests.browser.conftest import browser_login
from tests.conftest import TEST_PASSWORD


def _slot(days: int, hour: int) -> str:
    day = (datetime.now(ZoneInfo("America/Toronto")) + timedelta(days=days)).date()
    return datetime.combine(day, time(hour, 0)).strftime("%Y-%m-%dT%H:%M")


def test_a_time_poll_with_and_without_javascript(browser, page, live_server, make_user, make_org, db):
    from intranet.spaces import services

    staff = make_user("staff")
    shelter = make_org(name="Maison du Littoral", sector="shelter")
    bridge = make_org(name="Pont du Littoral", sector="immigration")
    space = services.create_space(
        staff, name="Table du Littoral", description="", visibility="members", immigration_seats=1
    )
    services.seat(staff, space, shelter)
    services.seat(staff, space, bridge)
    facilitator = make_user("coordinator", org=shelter, name="Lise Littoral")
    services.name_facilitator(staff, space, facilitator)
    reader = make_user("member", org=bridge, name="Nadia Littoral")
    db.session.commit()

    # The facilitator, with JavaScript, proposes three slots.
    browser_login(page, live_server, facilitator.email, TEST_PASSWORD)
    page.goto(f"{live_server}/tables/{space.id}")
    page.get_by_role("link", name="Annoncer une rencontre").first.click()
    page.get_by_label("Titre").fill("Rencontre d’hiver de la table")
    page.get_by_label("Je propose des créneaux (sondage)").check()
    for n, (days, hour) in enumerate(((8, 9), (9, 13), (15, 9)), start=1):
        page.get_by_label(f"Créneau {n}", exact=True).fill(_slot(days, hour))
    page.get_by_label("En ligne", exact=True).check()
    page.get_by_label("Lien de la rencontre en ligne").fill("https://visio.example/littoral")
    page.get_by_role("button", name="Annoncer la rencontre").click()
    page.wait_for_url(re.compile(r"/tables/rencontres/\d+$"))
    meeting_url = page.url
    assert "Date à choisir : sondage en cours" in page.locator("main").inner_text()
    radios = page.locator('form[action$="/sondage"] input[type=radio]')
    names = sorted({radios.nth(i).get_attribute("name") for i in range(radios.count())})
    assert len(names) == 3
    first, second, third = sorted(names, key=lambda n: int(n.split("-")[1]))
    for name, answer in ((first, "no"), (second, "yes"), (third, "maybe")):
        page.locator(f'input[name="{name}"][value="{answer}"]').check()
    page.get_by_role("button", name="Enregistrer mes réponses").click()
    page.wait_for_url(re.compile(r"#sondage$"))

    # The other organization, without JavaScript: a missing answer is refused, then corrected.
    plain = browser.new_context(locale="fr-CA", java_script_enabled=False)
    plain_page = plain.new_page()
    browser_login(plain_page, live_server, reader.email, TEST_PASSWORD)
    plain_page.goto(meeting_url)
    assert "visio.example" not in plain_page.content()  # not registered: no link
    plain_page.locator(f'input[name="{first}"][value="yes"]').check()
    plain_page.get_by_role("button", name="Enregistrer mes réponses").click()
    assert "Répondez pour chaque créneau" in plain_page.locator("main").inner_text()
    plain_page.locator(f'input[name="{second}"][value="yes"]').check()
    plain_page.locator(f'input[name="{third}"][value="no"]').check()
    plain_page.get_by_role("button", name="Enregistrer mes réponses").click()
    plain_page.wait_for_url(re.compile(r"#sondage$"))
    assert "2 personnes ont répondu." in plain_page.locator("main").inner_text()
    assert plain_page.locator(f'input[name="{second}"][value="yes"]').is_checked()  # ready to change

    # The facilitator picks the slot with the most "yes" (checked for them already).
    page.goto(meeting_url)
    assert page.locator(f'form[action$="/choisir"] input[value="{second.split("-")[1]}"]').is_checked()
    page.get_by_role("button", name="Retenir ce créneau et prévenir l’espace").click()
    page.wait_for_url(meeting_url)
    assert "Sondage clos : la date est retenue." in page.locator("main").inner_text()

    # Without JavaScript, the other organization registers and now sees the link.
    plain_page.goto(meeting_url)
    assert plain_page.locator('form[action$="/sondage"]').count() == 0
    plain_page.get_by_label("Nombre de personnes de votre organisation").fill("2")
    plain_page.get_by_role("button", name="Inscrire mon organisation").click()
    plain_page.wait_for_url(re.compile(r"#inscriptions$"))
    assert "https://visio.example/littoral" in plain_page.locator("main").inner_text()
    plain.close()
