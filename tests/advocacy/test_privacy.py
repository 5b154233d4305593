"""Rule 3: another organization never sees a draft, its versions, comments, attachments or brief."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from intranet.advocacy import services
from intranet.database import utcnow

SECRET_TITLE = "Mémoire confidentiel sur les places manquantes"


@pytest.fixture
def setting(db, make_org, make_user, make_position):
    owner = make_org(name="Maison Les Bouleaux")
    other = make_org(name="Passage des Deux Sectors")
    author = make_user("member", org=owner)
    staff = make_user("staff")
    position = make_position(author, status="changes_requested", staff=staff, title=SECRET_TITLE)
    version = position.latest_version
    services.add_comment(staff, version, "Commentaire de révision réservé.")
    from werkzeug.datastructures import FileStorage

    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
    attachment = services.add_attachment(
        author, position, FileStorage(io.BytesIO(pdf), filename="annexe.pdf")
    )
    task = services.request_brief(author, position)
    db.session.commit()
    return {
        "owner": owner,
        "other": other,
        "author": author,
        "staff": staff,
        "position": position,
        "attachment": attachment,
        "task": task,
    }


def _private_urls(s) -> list[str]:
    p = s["position"]
    return [
        f"/plaidoyer/{p.id}",
        f"/plaidoyer/{p.id}/modifier",
        f"/plaidoyer/{p.id}/versions/1",
        f"/plaidoyer/{p.id}/comparer?de=1&a=0",
        f"/plaidoyer/{p.id}/pieces-jointes/{s['attachment'].id}",
        f"/taches/{s['task'].public_id}",
        f"/taches/{s['task'].public_id}/fichier",
    ]


@pytest.mark.parametrize("role", ["member", "coordinator"])
def test_another_organization_sees_nothing_of_a_draft(app, db, setting, login_as, role):
    client, _ = login_as(role, org=setting["other"])
    for url in _private_urls(setting):
        response = client.get(url)
        assert response.status_code == 404, url
        assert SECRET_TITLE not in response.get_data(as_text=True)
    p = setting["position"]
    for url in (
        f"/plaidoyer/{p.id}/etape/resubmit",
        f"/plaidoyer/{p.id}/versions/1",
        f"/plaidoyer/{p.id}/dossier",
        f"/plaidoyer/{p.id}/pieces-jointes",
    ):
        assert client.post(url, data={"body": "x", "note": "x"}).status_code == 404, url
    for url in ("/plaidoyer/", "/plaidoyer/bibliotheque", "/"):
        assert SECRET_TITLE not in client.get(url).get_data(as_text=True), url


def test_the_owner_organization_sees_everything(app, db, setting, login_as):
    client, _ = login_as("member", org=setting["owner"])  # a colleague, not the author
    for url in _private_urls(setting)[:5]:
        assert client.get(url).status_code == 200, url
    version = client.get(f"/plaidoyer/{setting['position'].id}/versions/1").get_data(as_text=True)
    assert "Commentaire de révision réservé." in version
    # The brief task is visible to the colleague through the advocacy access rule, not only its requester.
    assert client.get(f"/taches/{setting['task'].public_id}").status_code == 200


def test_staff_see_a_text_only_once_it_is_submitted(app, db, make_position, make_user, login_as):
    draft = make_position(title="Brouillon pas encore soumis")
    db.session.commit()
    client, _ = login_as("staff")
    assert client.get(f"/plaidoyer/{draft.id}").status_code == 404
    assert "Brouillon pas encore soumis" not in client.get("/plaidoyer/").get_data(as_text=True)


def test_publication_shows_the_text_but_never_its_history(app, db, setting, login_as):
    from intranet.advocacy.models import Status

    position, staff, author = setting["position"], setting["staff"], setting["author"]
    services.transition(author, position, "resubmit")
    for action in ("start_review", "approve", "publish"):
        services.transition(staff, position, action)
    db.session.commit()
    assert position.status == Status.PUBLISHED
    client, _ = login_as("member", org=setting["other"])
    page = client.get(f"/plaidoyer/{position.id}")
    assert page.status_code == 200 and SECRET_TITLE in page.get_data(as_text=True)
    assert "Commentaire de révision réservé." not in page.get_data(as_text=True)
    assert client.get(f"/plaidoyer/{position.id}/versions/1").status_code == 404
    assert client.get(f"/plaidoyer/{position.id}/comparer?de=1&a=2").status_code == 404
    # An earlier version's brief stays private; the published version's brief is for everyone.
    assert client.get(f"/taches/{setting['task'].public_id}").status_code == 404
    assert SECRET_TITLE in client.get("/plaidoyer/bibliotheque").get_data(as_text=True)
    response = client.post(f"/plaidoyer/{position.id}/dossier")
    assert response.status_code == 303
    current = services.current_brief(position)
    assert current.args == [position.id, 2]
    assert client.get(f"/taches/{current.public_id}").status_code == 200


def test_digests_name_only_what_the_reader_may_see(app, db, make_org, make_user, make_position):
    owner, other = make_org(), make_org()
    staff = make_user("staff")
    coordinator = make_user("coordinator", org=other)
    own_coordinator = make_user("coordinator", org=owner)
    since = utcnow() - timedelta(days=1)
    submitted = make_position(make_user("member", org=owner), status="submitted", title="Soumis au réseau")
    approved = make_position(
        make_user("member", org=owner), status="approved", staff=staff, title="À cosigner"
    )
    draft = make_position(make_user("member", org=owner), title="Brouillon")
    db.session.flush()

    assert [i.title for i in services.collect_review(staff, since)] == ["Soumis au réseau"]
    assert services.collect_review(coordinator, since) == []
    # Not open for co-signing yet: nobody hears of it.
    assert services.collect_cosigning(coordinator, since) == []
    services.open_cosigning(staff, approved, utcnow().date() + timedelta(days=10), utcnow().date())
    items = services.collect_cosigning(coordinator, since)
    assert [i.title for i in items] == ["À cosigner"] and items[0].kind == "cosign"
    assert services.collect_cosigning(own_coordinator, since) == []  # its own text
    assert draft.title not in {i.title for i in items} and submitted.title not in {i.title for i in items}
