"""Every published change keeps a revision; two people saving the same practice lose nothing."""

from __future__ import annotations

import re

import sqlalchemy as sa

from intranet.practices.models import PracticeRevision
from tests.factories.practices import form_data


def test_published_changes_keep_revisions_that_readers_can_compare(
    login_as, make_user, make_practice, make_org, db
):
    client, author = login_as("member")
    practice = make_practice(
        author, title="Accueil des enfants", body="Un coin jeux.\nUne trousse d’accueil."
    )
    opened = form_data(practice, body="Un coin jeux calme.\nUne trousse d’accueil.\nUn livre par enfant.")
    assert client.post(f"/pratiques/{practice.id}/modifier", data=opened).status_code == 303
    # Saving without a change adds no revision.
    db.session.expire_all()
    assert client.post(f"/pratiques/{practice.id}/modifier", data=form_data(practice)).status_code == 303
    numbers = db.session.scalars(
        sa.select(PracticeRevision.number)
        .where(PracticeRevision.practice_id == practice.id)
        .order_by(PracticeRevision.number)
    ).all()
    assert numbers == [1, 2]

    reader, _ = login_as("member", org=make_org(name="Organisme lecteur"))
    history = reader.get(f"/pratiques/{practice.id}/historique").get_data(as_text=True)
    assert "2 versions publiées" in history
    diff = reader.get(f"/pratiques/{practice.id}/historique/2").get_data(as_text=True)
    assert "<ins> calme</ins>" in diff
    assert re.search(r"<ins>\s*Un livre par enfant\.\s*</ins>", diff)
    assert "<del>" not in diff
    assert reader.get(f"/pratiques/{practice.id}/historique/3").status_code == 404


def test_draft_saves_keep_no_revision_and_going_back_to_draft_unpublishes(login_as, make_practice, db):
    client, author = login_as("member")
    practice = make_practice(author)
    response = client.post(
        f"/pratiques/{practice.id}/modifier", data=form_data(practice, action="draft", title="Autre")
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert practice.status == "draft"
    assert (
        db.session.scalar(
            sa.select(sa.func.count(PracticeRevision.id)).where(PracticeRevision.practice_id == practice.id)
        )
        == 1
    )


def test_the_second_of_two_concurrent_saves_gets_a_conflict_and_loses_nothing(
    login_as, make_user, make_practice, db
):
    first_client, author = login_as("member")
    colleague = make_user("member", org=author.organization)
    second_client, _ = login_as(user=colleague)
    practice = make_practice(author, title="Plan de sécurité", body="Version de départ.")
    # Both open the edit form on the same version.
    first = form_data(practice, body="Version de Lina, avec la révision avant audience.")
    second = form_data(practice, body="Version de Rose, avec le carnet de contacts sûrs.")

    assert first_client.post(f"/pratiques/{practice.id}/modifier", data=first).status_code == 303
    conflict = second_client.post(f"/pratiques/{practice.id}/modifier", data=second)
    assert conflict.status_code == 409
    page = conflict.get_data(as_text=True)
    assert "Quelqu’un a modifié cette pratique" in page
    assert "Version de Rose, avec le carnet de contacts sûrs." in page  # what she typed, in the form
    assert "Version de Lina, avec la révision avant audience." in page  # what is saved
    assert "<del>" in page and "<ins>" in page
    db.session.expire_all()
    assert practice.body == "Version de Lina, avec la révision avant audience."

    # Her next save, made knowingly with the version the conflict page gave her, goes through.
    new_version = page.split('name="version" type="hidden" value="', 1)[1].split('"', 1)[0]
    assert int(new_version) == practice.version
    merged = dict(second, version=new_version, body="Révision avant audience et carnet de contacts sûrs.")
    assert second_client.post(f"/pratiques/{practice.id}/modifier", data=merged).status_code == 303
    db.session.expire_all()
    assert practice.body == "Révision avant audience et carnet de contacts sûrs."
    assert (
        db.session.scalar(
            sa.select(sa.func.count(PracticeRevision.id)).where(PracticeRevision.practice_id == practice.id)
        )
        == 3
    )
