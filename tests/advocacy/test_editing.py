"""Writing and editing: validation keeps input, concurrent edits conflict without loss, diffs read well."""

from __future__ import annotations

import re

import sqlalchemy as sa

from intranet.advocacy.diff import word_diff
from intranet.advocacy.models import Position
from intranet.advocacy.services import parse_demands
from tests.factories.advocacy import position_form
from tests.support import guard_fingerprint


def test_a_member_drafts_a_text_for_her_organization(app, db, login_as):
    client, user = login_as("member")
    assert client.get("/plaidoyer/nouveau").status_code == 200
    response = client.post("/plaidoyer/nouveau", data=position_form())
    assert response.status_code == 303
    position = db.session.scalar(sa.select(Position).order_by(Position.id.desc()))
    assert position.organization_id == user.organization_id and position.author_id == user.id
    assert position.demands == ["Première revendication", "Deuxième revendication"]
    assert [t.name_fr for t in position.themes] == ["Accès au logement", "Enfants exposés à la violence"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Un texte de plaidoyer" in page and "<h3>Constat</h3>" in page


def test_invalid_input_is_kept_and_answered_with_422(app, db, login_as):
    client, _ = login_as("member")
    response = client.post("/plaidoyer/nouveau", data=position_form(title="", body="Mon texte à garder"))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Donnez un titre au texte." in body and "Mon texte à garder" in body
    assert db.session.scalar(sa.select(sa.func.count(Position.id))) == 0


def test_text_that_looks_personal_needs_a_confirmation(app, db, login_as):
    client, _ = login_as("member")
    data = position_form(body="Appelez-la au 418 555-0199 ou au 12 rue des Érables.")
    response = client.post("/plaidoyer/nouveau", data=data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "<mark>418 555-0199</mark>" in body and "<mark>12 rue des Érables</mark>" in body
    assert db.session.scalar(sa.select(sa.func.count(Position.id))) == 0
    confirmed = client.post("/plaidoyer/nouveau", data={**data, "confirm_personal": guard_fingerprint(body)})
    assert confirmed.status_code == 303


def test_markdown_is_sanitized(app, db, login_as, make_position):
    client, user = login_as("member")
    position = make_position(user, body="<script>alert(1)</script>\n\n[lien](javascript:alert(1)) **gras**")
    db.session.commit()
    page = client.get(f"/plaidoyer/{position.id}").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert 'href="javascript' not in page and "<strong>gras</strong>" in page


def test_concurrent_edits_conflict_and_lose_nothing(app, db, login_as, make_user, make_position):
    first_client, first = login_as("member")
    second_client, second = login_as("member", org=first.organization)
    position = make_position(first)
    db.session.commit()
    base = str(position.revision)
    form = position_form(title=position.title, revision=base)

    saved = first_client.post(
        f"/plaidoyer/{position.id}/modifier",
        data={**form, "body": "Version d’Alice, enregistrée en premier."},
    )
    assert saved.status_code == 303
    late = second_client.post(
        f"/plaidoyer/{position.id}/modifier", data={**form, "body": "Version de Béatrice, à ne pas perdre."}
    )
    assert late.status_code == 409
    page = late.get_data(as_text=True)
    assert "Ce texte a été modifié pendant que vous l’écriviez" in page
    assert first.name in page
    # Her text is still in the form, and the saved text is shown beside it.
    assert "Version de Béatrice, à ne pas perdre." in page and "Alice" in page
    db.session.expire_all()
    assert db.session.get(Position, position.id).body == "Version d’Alice, enregistrée en premier."
    # The form now carries the current revision: saving again is a deliberate choice, and works.
    import re

    revision = re.search(
        r'name="revision" type="hidden" value="(\d+)"'
        r'|id="revision" name="revision" type="hidden" value="(\d+)"',
        page,
    )
    current = next(g for g in revision.groups() if g)
    again = second_client.post(
        f"/plaidoyer/{position.id}/modifier",
        data={**form, "revision": current, "body": "Version de Béatrice, à ne pas perdre."},
    )
    assert again.status_code == 303
    db.session.expire_all()
    assert db.session.get(Position, position.id).body == "Version de Béatrice, à ne pas perdre."


def test_a_text_submitted_meanwhile_is_not_changed_and_the_edit_is_handed_back(
    app, db, login_as, make_org, make_position
):
    client, user = login_as("member")
    position = make_position(user, status="submitted")
    db.session.commit()
    assert client.get(f"/plaidoyer/{position.id}/modifier").status_code == 404
    body_before = position.body
    response = client.post(
        f"/plaidoyer/{position.id}/modifier",
        data=position_form(revision=position.revision, body="Mon paragraphe écrit trop tard."),
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Ce texte a changé d’étape pendant que vous l’écriviez" in page
    assert "Mon paragraphe écrit trop tard." in page and ">Enregistrer<" not in page
    db.session.expire_all()
    assert db.session.get(Position, position.id).body == body_before
    # Someone from another organization still learns nothing.
    other, _ = login_as("member", org=make_org())
    assert other.post(f"/plaidoyer/{position.id}/modifier", data=position_form()).status_code == 404


def test_versions_compare_word_by_word_as_the_page_shows_them(app, db, login_as, make_user, make_position):
    from intranet.advocacy import services

    client, author = login_as("member")
    staff = make_user("staff")
    position = make_position(
        author,
        status="changes_requested",
        staff=staff,
        body="## Contexte\n\nLa demande dépasse *largement* l’offre.",
    )
    services.update_position(
        author,
        position,
        services.PositionData(
            kind=position.kind,
            title=position.title,
            body="## Contexte\n\nLa demande dépasse *de loin* l’offre. <script>alert(1)</script>",
            demands=position.demands,
        ),
        base_revision=position.revision,
    )
    services.transition(author, position, "resubmit")
    db.session.commit()
    page = client.get(f"/plaidoyer/{position.id}/comparer?de=1&a=2").get_data(as_text=True)
    body = re.search(r'<section aria-labelledby="d-body">(.*?)</section>', page, re.S).group(1)
    # The formatted text (the position page's headings, one level down), the changed words marked.
    assert "<h3>Contexte</h3>" in body and "##" not in body
    assert "<em><del>largement</del><ins>de loin</ins></em>" in body
    assert "dépasse" in body and "<del>dépasse" not in body
    assert "<script" not in page.split("</main>")[0].split("<main")[1] and "&lt;script&gt;" in body


def test_word_diff_escapes_and_marks_changes():
    html = str(word_diff("un <b>deux</b> trois", "un <b>deux</b> quatre"))
    assert "&lt;b&gt;" in html and "<del>trois</del><ins>quatre</ins>" in html


def test_demands_are_read_one_per_line():
    assert parse_demands("1. Une\n\n- Deux\n* Trois\n12. Quatre\n2025 en chiffres") == [
        "Une",
        "Deux",
        "Trois",
        "Quatre",
        "2025 en chiffres",
    ]


def test_attachments_are_checked_and_served_as_attachments(app, db, login_as, make_position):
    import io

    client, user = login_as("member")
    position = make_position(user)
    db.session.commit()
    bad = client.post(
        f"/plaidoyer/{position.id}/pieces-jointes",
        data={"file": (io.BytesIO(b"#!/bin/sh\necho hi"), "script.sh")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "n’est pas d’un type accepté" in bad.get_data(as_text=True)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
    ok = client.post(
        f"/plaidoyer/{position.id}/pieces-jointes",
        data={"file": (io.BytesIO(pdf), "annexe.pdf")},
        content_type="multipart/form-data",
    )
    assert ok.status_code == 303
    from intranet.advocacy.models import Attachment

    attachment = db.session.scalar(sa.select(Attachment))
    download = client.get(f"/plaidoyer/{position.id}/pieces-jointes/{attachment.id}")
    assert download.status_code == 200 and download.headers["Content-Disposition"].startswith("attachment")
    assert (
        client.post(f"/plaidoyer/{position.id}/pieces-jointes/{attachment.id}/supprimer").status_code == 303
    )
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 0
