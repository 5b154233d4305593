"""Rule 3: organization-only practices and drafts never reach another organization, anywhere."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest

from intranet.database import utcnow


def _unmarked(page: str) -> str:
    """The page without the <mark> around matched words (issue 17), to read titles whole."""
    return re.sub(r"</?mark>", "", page)


@pytest.fixture
def world(make_org, make_user, make_practice, make_theme):
    """Two organizations; A has a network practice, an organization-only one and a draft."""
    theme = make_theme("Interprétariat", "Interpreting")
    org_a, org_b = make_org(name="Maison A"), make_org(name="Organisme pont B")
    author = make_user("member", org=org_a)
    shared = make_practice(author, title="Banque d’interprètes partagée", themes=[theme])
    private = make_practice(
        author,
        title="Grille interne zanzibar",
        visibility="organization",
        themes=[theme],
        summary="Notre grille zanzibar.",
    )
    draft = make_practice(author, title="Brouillon zanzibar", publish=False, themes=[theme])
    return {
        "theme": theme,
        "author": author,
        "colleague": make_user("member", org=org_a),
        "coordinator_a": make_user("coordinator", org=org_a),
        "outsider": make_user("member", org=org_b),
        "coordinator_b": make_user("coordinator", org=org_b),
        "staff": make_user("staff"),
        "admin": make_user("admin"),
        "shared": shared,
        "private": private,
        "draft": draft,
    }


OUTSIDERS = ("outsider", "coordinator_b", "staff", "admin")
INSIDERS = ("author", "colleague", "coordinator_a")


@pytest.mark.parametrize("who", OUTSIDERS)
def test_other_organizations_never_see_private_practices_or_drafts(world, login_as, who):
    client, _ = login_as(user=world[who])
    for practice in (world["private"], world["draft"]):
        pid = practice.id
        for url in (
            f"/pratiques/{pid}",
            f"/pratiques/{pid}/modifier",
            f"/pratiques/{pid}/historique",
            f"/pratiques/{pid}/historique/1",
            f"/pratiques/{pid}/imprimer",
            f"/pratiques/{pid}/signaler",
        ):
            assert client.get(url).status_code == 404, url
        for url in (
            f"/pratiques/{pid}/pdf",
            f"/pratiques/{pid}/commentaires",
            f"/pratiques/{pid}/aidee",
            f"/pratiques/{pid}/selection",
            f"/pratiques/{pid}/retrait",
            f"/pratiques/{pid}/etat",
        ):
            assert client.post(url, data={"body": "x", "reason": "x", "to": "archive"}).status_code == 404, (
                url
            )
    listing = client.get("/pratiques/").get_data(as_text=True)
    assert "Banque d’interprètes partagée" in listing
    assert "zanzibar" not in listing
    search = _unmarked(client.get("/pratiques/", query_string={"q": "zanzibar"}).get_data(as_text=True))
    assert "0 pratique" in search and "zanzibar</a>" not in search
    # Related practices of the shared one do not name the private one.
    page = client.get(f"/pratiques/{world['shared'].id}").get_data(as_text=True)
    assert "zanzibar" not in page
    # Filter counts ignore what the person may not see.
    theme_list = client.get("/pratiques/", query_string={"theme": world["theme"].id}).get_data(as_text=True)
    assert "1 pratique" in theme_list


@pytest.mark.parametrize("who", INSIDERS)
def test_the_organization_sees_its_private_practice_and_draft(world, login_as, who):
    client, _ = login_as(user=world[who])
    assert client.get(f"/pratiques/{world['private'].id}").status_code == 200
    assert client.get(f"/pratiques/{world['draft'].id}").status_code == 200
    assert client.get(f"/pratiques/{world['draft'].id}/modifier").status_code == 200
    search = _unmarked(client.get("/pratiques/", query_string={"q": "zanzibar"}).get_data(as_text=True))
    assert "Grille interne zanzibar" in search
    assert "Brouillon zanzibar</a>" not in search  # drafts are never in the library, even for its own
    assert "1 pratique" in search
    mine = client.get("/pratiques/mon-organisme").get_data(as_text=True)
    assert "Brouillon zanzibar" in mine and "Grille interne zanzibar" in mine
    page = client.get(f"/pratiques/{world['shared'].id}").get_data(as_text=True)
    assert "Grille interne zanzibar" in page  # related, for the organization


def test_attachments_follow_the_practice(world, login_as, db):
    from intranet.practices import services
    from tests.factories.practices import form_data

    author_client, _ = login_as(user=world["author"])
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    response = author_client.post(
        f"/pratiques/{world['private'].id}/modifier",
        data=form_data(world["private"], attachments=[(io.BytesIO(pdf), "grille.pdf")]),
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    [attachment] = services.get(world["private"].id).attachments
    url = f"/pratiques/pieces-jointes/{attachment.id}"
    ok = author_client.get(url)
    assert ok.status_code == 200 and ok.data == pdf
    assert ok.headers["Content-Disposition"].startswith("attachment")
    for who in OUTSIDERS:
        client, _ = login_as(user=world[who])
        assert client.get(url).status_code == 404


def test_bookmarks_and_digest_forget_what_became_private(world, login_as, db):
    from intranet.practices import services
    from intranet.practices.models import Visibility

    outsider = world["outsider"]
    client, _ = login_as(user=outsider)
    assert client.post(f"/pratiques/{world['shared'].id}/selection").status_code == 303
    assert "Banque d’interprètes" in client.get("/pratiques/selection").get_data(as_text=True)
    items = services.collect_digest(outsider, utcnow() - timedelta(days=1))
    assert [i.title for i in items] == ["Banque d’interprètes partagée"]
    world["shared"].visibility = Visibility.ORGANIZATION
    db.session.flush()
    assert "Banque d’interprètes" not in client.get("/pratiques/selection").get_data(as_text=True)
    assert services.collect_digest(outsider, utcnow() - timedelta(days=1)) == []
    inside = services.collect_digest(world["colleague"], utcnow() - timedelta(days=1))
    assert {i.title for i in inside} == {"Banque d’interprètes partagée", "Grille interne zanzibar"}


def test_anonymous_visitors_are_sent_to_sign_in(world, client):
    response = client.get(f"/pratiques/{world['shared'].id}")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    assert client.get("/pratiques/").status_code == 302


def test_only_moderators_withdraw(world, login_as):
    url = f"/pratiques/{world['shared'].id}/retrait"
    for who in ("colleague", "outsider", "coordinator_b"):
        client, _ = login_as(user=world[who])
        assert client.post(url, data={"reason": "Non"}).status_code == 404, who
    client, _ = login_as(user=world["staff"])
    assert client.post(url, data={"reason": "Contient un nom."}).status_code == 303


def test_a_busy_region_does_not_crowd_a_followed_one_out_of_the_digest(
    db, make_user, make_org, make_practice, make_region
):
    """The digest source reads the latest practices of each region, then the member's regions are
    kept: 25 newer practices elsewhere do not hide the one of the region a member follows."""
    from intranet.notifications.digests import build_digest
    from intranet.notifications.models import NotificationPreference
    from intranet.practices import services
    from intranet.practices.services import collect_digest_many

    quiet, busy = make_region("Côte-Nord"), make_region("Montréal")
    reader = make_user("member", org=make_org(region="Côte-Nord", town="Sept-Îles"))
    author = make_user("member")
    make_practice(author, title="Pratique de la Côte-Nord", region=quiet)
    for n in range(25):
        make_practice(author, title=f"Pratique de Montréal {n}", region=busy)
    pref = NotificationPreference(user_id=reader.id, region_ids=[quiet.id], theme_ids=[], all_regions=False)
    db.session.add(pref)
    db.session.flush()
    since = utcnow() - timedelta(days=1)
    alone = services.collect_digest(reader, since)
    assert "Pratique de la Côte-Nord" in {item.title for item in alone}
    assert collect_digest_many([(reader, since)])[reader.id] == alone
    digest = build_digest(reader, pref, since, utcnow())
    [section] = [s for s in digest.sections if s.key == "practices"]
    assert [item.title for item in section.items] == ["Pratique de la Côte-Nord"]
