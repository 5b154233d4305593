"""The first visit in a browser (issue 17): from the invitation's link to the two questions, at
every width, the preview following the chosen level (htmx), and the choice saved."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.browser.test_layout import MEASURE, WIDTHS, _new_context

PASSWORD = "une phrase de passe solide"


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_first_visit_asks_fits_every_width_and_saves(
    browser, live_server, db, make_org, make_user, javascript
):
    from intranet.accounts.models import Role
    from intranet.accounts.services import Invitation, invite
    from intranet.mail.models import OutboxMessage
    from intranet.notifications.models import Frequency, NotificationPreference

    org = make_org(name="Bureau Lumière")
    email = f"premiere-{'js' if javascript else 'sans-js'}@essai.example"
    user = invite(
        make_user("coordinator", org=org),
        Invitation(
            email=email, name="Nouvelle Personne", organization_id=org.id, role=Role.MEMBER, locale="fr"
        ),
    )
    db.session.commit()
    body = db.session.scalar(sa.select(OutboxMessage.body_text).where(OutboxMessage.to_address == email))
    link = re.search(r"http://passerelle\.test(/invitation/\S+)", body).group(1)

    context = (
        _new_context(browser)
        if javascript
        else browser.new_context(locale="fr-CA", java_script_enabled=False)
    )
    page = context.new_page()
    try:
        page.goto(live_server + link)
        page.get_by_label("Nouveau mot de passe").fill(PASSWORD)
        page.get_by_label("Confirmez").fill(PASSWORD)
        page.get_by_role("button", name="Enregistrer le mot de passe").click()
        page.wait_for_url(f"{live_server}/bienvenue")
        problems = []
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            result = page.evaluate(MEASURE, None)
            if result["scrollWidth"] > result["width"] + 1:
                problems.append(f"{width}px: {result['scrollWidth']} px wide")
            problems += [f"{width}px: overlap {pair}" for pair in result["overlaps"]]
        assert not problems, problems
        page.get_by_label("Discret", exact=True).check()
        if javascript:  # the preview follows the choice at once
            page.wait_for_selector('#email-preview[data-announce="Aperçu : Discret"]')
        page.get_by_label("Chaque jour").check()
        page.get_by_role("button", name="Enregistrer mes choix").click()
        page.wait_for_url(f"{live_server}/")
    finally:
        context.close()
    db.session.commit()  # a fresh read (the server committed in its own transaction)
    pref = db.session.get(NotificationPreference, user.id)
    assert pref.email_level == "discreet" and pref.frequency == Frequency.DAILY
