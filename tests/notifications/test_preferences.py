"""Digest preferences: sensible defaults, saved with a 303, refused with a 422 that keeps the input."""

from __future__ import annotations

import re

from intranet.notifications.models import Frequency, NotificationPreference


def _checked(html: str, name: str) -> list[str]:
    inputs = re.findall(rf'<input [^>]*name="{name}"[^>]*>', html)
    return [re.search(r'value="([^"]*)"', i).group(1) for i in inputs if " checked" in i]


def test_defaults_are_weekly_their_region_all_themes(login_as, make_org, make_region, db):
    make_region("Côte-Nord")
    org = make_org(region="Gaspésie–Îles-de-la-Madeleine", town="Gaspé")
    client, _member = login_as("member", org=org)
    page = client.get("/notifications/preferences")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert _checked(html, "frequency") == ["weekly"]
    checked = _checked(html, "regions")
    assert checked == [str(org.region_id)]
    assert html.count("<h1>") == 1 and "<legend>" in html


def test_saving_preferences(login_as, make_region, db):
    client, member = login_as("member")
    estrie, laval = make_region("Estrie"), make_region("Laval")
    db.session.commit()
    response = client.post(
        "/notifications/preferences",
        data={"frequency": "daily", "weekday": "3", "locale": "en", "regions": [estrie.id, laval.id]},
    )
    assert response.status_code == 303 and response.headers["Location"] == "/notifications/preferences"
    pref = db.session.get(NotificationPreference, member.id)
    assert pref.frequency == Frequency.DAILY and pref.weekday == 3 and pref.locale == "en"
    assert pref.region_ids == sorted([estrie.id, laval.id]) and not pref.all_regions
    # The interface language is the member's own business: only emails changed.
    assert member.locale == "fr"
    assert "Vos préférences sont enregistrées." in client.get("/notifications/preferences").get_data(
        as_text=True
    )


def test_no_region_at_all_is_refused_and_the_input_kept(login_as, db):
    client, member = login_as("member")
    response = client.post(
        "/notifications/preferences", data={"frequency": "never", "weekday": "4", "locale": "fr"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Choisissez au moins une région, ou toutes les régions." in html
    assert _checked(html, "frequency") == ["never"]
    assert '<option selected value="4">' in html
    assert db.session.get(NotificationPreference, member.id) is None


def test_all_regions(login_as, db):
    client, member = login_as("member")
    response = client.post(
        "/notifications/preferences",
        data={"frequency": "weekly", "weekday": "0", "locale": "fr", "all_regions": "y"},
    )
    assert response.status_code == 303
    assert db.session.get(NotificationPreference, member.id).all_regions


def test_unknown_choices_are_refused(login_as, db):
    client, _member = login_as("member")
    response = client.post(
        "/notifications/preferences",
        data={"frequency": "hourly", "weekday": "9", "locale": "de", "all_regions": "y"},
    )
    assert response.status_code == 422


def test_the_network_themes_are_offered(login_as, db, make_theme):
    make_theme("Plan de sécurité")
    chosen = make_theme("Interprétariat")
    retired = make_theme("Régions éloignées")
    retired.active = False
    db.session.commit()
    client, member = login_as("member")
    html = client.get("/notifications/preferences").get_data(as_text=True)
    assert "Plan de sécurité" in html and "Thèmes suivis" in html and "Régions éloignées" not in html
    response = client.post(
        "/notifications/preferences",
        data={
            "frequency": "weekly",
            "weekday": "0",
            "locale": "fr",
            "all_regions": "y",
            "themes": [str(chosen.id)],
        },
    )
    assert response.status_code == 303
    assert db.session.get(NotificationPreference, member.id).theme_ids == [chosen.id]


def test_english_page(login_as):
    client, _member = login_as("member", locale="en")
    html = client.get("/notifications/preferences").get_data(as_text=True)
    assert "Email preferences" in html and "Every week" in html and "Regions you follow" in html


def test_preview_shows_what_the_next_digest_would_hold(login_as, make_org, db, sources):
    practices = sources.add()
    org = make_org()
    client, member = login_as("member", org=org)
    practices.add("Accueillir avec une interprète", org)
    page = client.get("/notifications/apercu").get_data(as_text=True)
    assert "Nouvelles bonnes pratiques" in page and "Accueillir avec une interprète" in page
    practices.things.clear()
    assert "aucun résumé ne partirait" in client.get("/notifications/apercu").get_data(as_text=True)
