"""Comments, « cela m’a été utile », the selection, reports and moderation."""

from __future__ import annotations

import sqlalchemy as sa

from intranet import events
from intranet.mail.models import OutboxMessage
from intranet.practices.models import PracticeComment, PracticeReport


class Recorder:
    def __init__(self) -> None:
        self.calls: list[dict] = []

    def __call__(self, sender, **kwargs) -> None:
        self.calls.append(kwargs)


def _listen():
    recorder = Recorder()
    events.notify.connect(recorder)
    return recorder


def test_a_comment_notifies_the_author_and_comes_back_as_a_fragment(login_as, make_practice, make_org, db):
    author_client, author = login_as("member")
    practice = make_practice(author)
    reader, reader_user = login_as("member", org=make_org(name="Organisme lecteur"))
    recorder = _listen()
    try:
        response = reader.post(
            f"/pratiques/{practice.id}/commentaires",
            data={"body": "Merci, nous l’essayons **dès lundi**."},
            headers={"HX-Request": "true"},
        )
    finally:
        events.notify.disconnect(recorder)
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert (
        "<html" not in fragment and "<strong>dès lundi</strong>" in fragment and "1 commentaire" in fragment
    )
    [call] = [c for c in recorder.calls if c["kind"] == "practice_comment"]
    assert call["user_ids"] == [author.id] and call["values"] == {"practice_id": practice.id}
    assert call["actor_id"] == reader_user.id
    db.session.expire_all()
    assert practice.comment_count == 1
    # Without JavaScript: a redirect to the comments; an empty comment is refused and kept on the page.
    plain = reader.post(f"/pratiques/{practice.id}/commentaires", data={"body": "Deuxième"})
    assert plain.status_code == 303 and plain.headers["Location"].endswith("#commentaires")
    empty = reader.post(f"/pratiques/{practice.id}/commentaires", data={"body": "  "})
    assert empty.status_code == 422 and "Écrivez votre commentaire." in empty.get_data(as_text=True)


def test_people_change_their_own_comments_and_moderators_any(
    login_as, make_practice, make_user, make_org, db
):
    _, author = login_as("member")
    practice = make_practice(author)
    writer, writer_user = login_as("member", org=make_org(name="Organisme A"))
    other, _ = login_as("member", org=make_org(name="Organisme B"))
    staff, _ = login_as("staff")
    writer.post(f"/pratiques/{practice.id}/commentaires", data={"body": "Premier avis"})
    comment = db.session.scalar(sa.select(PracticeComment).where(PracticeComment.author_id == writer_user.id))
    assert other.get(f"/pratiques/commentaires/{comment.id}/modifier").status_code == 404
    assert other.post(f"/pratiques/commentaires/{comment.id}/suppression").status_code == 404
    assert (
        writer.post(
            f"/pratiques/commentaires/{comment.id}/modifier", data={"body": "Avis corrigé"}
        ).status_code
        == 303
    )
    db.session.expire_all()
    assert comment.body == "Avis corrigé" and comment.edited_at is not None
    assert staff.post(f"/pratiques/commentaires/{comment.id}/suppression").status_code == 303
    assert db.session.get(PracticeComment, comment.id) is None
    db.session.expire_all()
    assert practice.comment_count == 0


def test_helpful_marks_count_once_per_person_and_bookmarks_fill_my_selection(
    login_as, make_practice, make_user, db
):
    practice = make_practice(title="Trousse d’accueil des enfants")
    client, _ = login_as("member")
    marked = client.post(f"/pratiques/{practice.id}/aidee", headers={"HX-Request": "true"})
    assert marked.status_code == 200
    assert 'aria-pressed="true"' in marked.get_data(as_text=True)
    assert "1 personne l’a trouvée utile" in marked.get_data(as_text=True)
    other, _ = login_as("member")
    assert "2 personnes l’ont trouvée utile" in other.post(
        f"/pratiques/{practice.id}/aidee", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert "1 personne l’a trouvée utile" in client.post(
        f"/pratiques/{practice.id}/aidee", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert client.post(f"/pratiques/{practice.id}/selection").status_code == 303
    assert "Trousse d’accueil des enfants" in client.get("/pratiques/selection").get_data(as_text=True)
    assert "Trousse d’accueil des enfants" not in other.get("/pratiques/selection").get_data(as_text=True)
    client.post(f"/pratiques/{practice.id}/selection")
    assert "Votre sélection est vide" in client.get("/pratiques/selection").get_data(as_text=True)


def test_reports_reach_the_moderators_who_withdraw_with_a_reason_the_author_sees(
    login_as, make_practice, make_org, make_user, db
):
    author_client, author = login_as("member")
    practice = make_practice(author, title="Pratique signalée")
    reader, _ = login_as("member", org=make_org(name="Organisme lecteur"))
    staff, staff_user = login_as("staff")
    recorder = _listen()
    try:
        assert reader.post(f"/pratiques/{practice.id}/signaler", data={"reason": ""}).status_code == 422
        response = reader.post(
            f"/pratiques/{practice.id}/signaler", data={"reason": "Un prénom de résidente."}
        )
    finally:
        events.notify.disconnect(recorder)
    assert response.status_code == 303
    [call] = [c for c in recorder.calls if c["kind"] == "practice_report"]
    assert staff_user.id in call["user_ids"] and author.id not in call["user_ids"]
    reports = staff.get("/pratiques/signalements").get_data(as_text=True)
    assert "Un prénom de résidente." in reports and "Pratique signalée" in reports
    # A coordinator of another organization sees none of it.
    coordinator, _ = login_as("coordinator", org=make_org(name="Autre"))
    assert "Pratique signalée" not in coordinator.get("/pratiques/signalements").get_data(as_text=True)
    assert reader.get("/pratiques/signalements").status_code == 403

    response = staff.post(
        f"/pratiques/{practice.id}/retrait", data={"reason": "Un prénom permet de la reconnaître."}
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert practice.status == "withdrawn"
    assert db.session.scalar(sa.select(PracticeReport.resolved_at)) is not None
    page = author_client.get(f"/pratiques/{practice.id}").get_data(as_text=True)
    assert "Un prénom permet de la reconnaître." in page
    assert reader.get(f"/pratiques/{practice.id}").status_code == 404
    assert "Pratique signalée" not in reader.get("/pratiques/").get_data(as_text=True)
    mail = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.kind == "practice_withdrawn"))
    # The moderator's reason is free text: the email (at the network's default, titles only)
    # says the practice was withdrawn and links to it; the reason is on the page.
    assert mail.to_address == author.email and "Un prénom permet de la reconnaître." not in mail.body_text
    assert f"/pratiques/{practice.id}" in mail.body_text
    # The author fixes it and publishes again; the reason goes away.
    from tests.factories.practices import form_data

    again = author_client.post(
        f"/pratiques/{practice.id}/modifier", data=form_data(practice, body="Sans prénom.")
    )
    assert again.status_code == 303
    db.session.expire_all()
    assert practice.status == "published" and practice.moderation_reason is None


def test_a_coordinator_moderates_her_organizations_private_practice(login_as, make_practice, make_user, db):
    coordinator_client, coordinator = login_as("coordinator")
    author = make_user("member", org=coordinator.organization)
    practice = make_practice(author, visibility="organization", title="Interne")
    response = coordinator_client.post(
        f"/pratiques/{practice.id}/retrait", data={"reason": "À revoir ensemble."}
    )
    assert response.status_code == 303
    staff, _ = login_as("staff")
    assert staff.get(f"/pratiques/{practice.id}").status_code == 404
