"""The digest and the notifications with the other features' real sources, models and demo data."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from intranet.database import utcnow
from intranet.notifications import digests
from intranet.notifications.models import Frequency, Notification, NotificationPreference
from intranet.themes.models import Theme
from tests.notifications.conftest import digests_for, html_of, text_of

practices = pytest.importorskip("intranet.practices.models")


def test_real_practices_source_keeps_organization_only_and_drafts_private(db, make_org, make_user, smtp):
    Practice, Status, Visibility = practices.Practice, practices.Status, practices.Visibility
    north = make_org(name="Maison du Nord", region="Côte-Nord", town="Sept-Îles")
    south = make_org(name="Accueil du Sud", region="Côte-Nord", town="Baie-Comeau")
    reader_north, reader_south = make_user(org=north), make_user(org=south)
    now = utcnow()
    for title, org, status, visibility in (
        ("Canari réseau du Nord", north, Status.PUBLISHED, Visibility.NETWORK),
        ("Canari interne du Nord", north, Status.PUBLISHED, Visibility.ORGANIZATION),
        ("Canari brouillon du Nord", north, Status.DRAFT, Visibility.NETWORK),
    ):
        db.session.add(
            Practice(
                title=title,
                summary="Résumé",
                organization_id=org.id,
                region_id=org.region_id,
                status=status,
                visibility=visibility,
                published_at=now if status == Status.PUBLISHED else None,
            )
        )
    db.session.commit()

    digests.send_batch("w2026-W48", [reader_north.id, reader_south.id])
    [north_mail] = digests_for(smtp, reader_north.email)
    [south_mail] = digests_for(smtp, reader_south.email)
    assert "Canari interne du Nord" in text_of(north_mail)
    south_all = text_of(south_mail) + html_of(south_mail) + south_mail["Subject"]
    assert "Canari réseau du Nord" in south_all
    assert "Canari interne du Nord" not in south_all and "Canari brouillon du Nord" not in south_all
    assert "Canari brouillon du Nord" not in text_of(north_mail)  # a draft is nobody's news


def test_practice_themes_are_offered_in_preferences(login_as, db):
    theme = Theme(name_fr="Plan de sécurité", name_en="Safety planning", slug="plan-de-securite")
    db.session.add(theme)
    db.session.commit()
    client, member = login_as("member")
    assert "Plan de sécurité" in client.get("/notifications/preferences").get_data(as_text=True)
    english, _other = login_as("member", locale="en")
    assert "Safety planning" in english.get("/notifications/preferences").get_data(as_text=True)
    response = client.post(
        "/notifications/preferences",
        data={
            "frequency": "weekly",
            "weekday": "0",
            "locale": "fr",
            "all_regions": "y",
            "themes": [str(theme.id)],
        },
    )
    assert response.status_code == 303
    assert db.session.get(NotificationPreference, member.id).theme_ids == [theme.id]


def test_demo_notifications_lead_to_pages_their_reader_may_see(app, db):
    from intranet.demo import ACCOUNTS, DEMO_PASSWORD, load_demo

    load_demo()
    # Staff and administrators must set up two-factor sign-in first: the members' accounts here.
    for email, _name, _role, _org in [a for a in ACCOUNTS if a[2] in ("member", "coordinator")]:
        client = app.test_client()
        assert client.post("/connexion", data={"email": email, "password": DEMO_PASSWORD}).status_code == 303
        for url in ("/notifications", "/notifications/preferences", "/notifications/apercu"):
            assert client.get(url).status_code == 200, (email, url)
        user_id = db.session.scalar(sa.text("SELECT id FROM user_account WHERE email = :e"), {"e": email})
        for notification in db.session.scalars(
            sa.select(Notification).where(Notification.user_id == user_id)
        ):
            opened = client.post(f"/notifications/{notification.id}/ouvrir")
            assert opened.status_code == 303
            assert client.get(opened.headers["Location"]).status_code == 200, (email, notification.endpoint)
    coordinator = db.session.scalar(
        sa.text("SELECT id FROM user_account WHERE email = :e"), {"e": ACCOUNTS[2][0]}
    )
    assert db.session.get(NotificationPreference, coordinator).frequency == Frequency.DAILY
