"""Redaction that really removes (issue 14): rows, search index, cached files, emails, audit log,
and who may do it. A planted canary word is looked for everywhere afterwards."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from intranet.audit.models import AuditEvent
from intranet.mail.models import MailStatus, OutboxMessage
from intranet.practices import services as practices
from intranet.practices.models import Practice, PracticeComment, PracticeRevision
from intranet.redaction import services as redaction
from intranet.tasks.models import TaskRecord

CANARY = "Zorblanquette"
SENTENCE = f"Mme {CANARY} et ses deux enfants (Léa, 7 ans) l'attendent"


def _rows(db, table: str, where: str = "1 = 1", **params) -> str:
    """Every column of the rows, read with SQL (not through the ORM), as one string."""
    rows = db.session.execute(sa.text(f"SELECT * FROM {table} WHERE {where}"), params).all()
    return json.dumps([[str(v) for v in row] for row in rows], ensure_ascii=False)


def _edit(author, practice, **changes):
    data = practices.PracticeData(
        title=changes.get("title", practice.title),
        summary=changes.get("summary", practice.summary),
        body=changes.get("body", practice.body),
        audience=practice.audience,
        visibility=practice.visibility,
    )
    return practices.update_practice(author, practice, data, expected_version=practice.version, publish=True)


def _revision(db, practice, number):
    return db.session.scalar(
        sa.select(PracticeRevision).where(
            PracticeRevision.practice_id == practice.id, PracticeRevision.number == number
        )
    )


def _redact(client, kind, obj_id, passage="", confirm=True):
    data = {"passage": passage}
    if confirm:
        data["confirm"] = "y"
    return client.post(f"/retrait/{kind}/{obj_id}", data=data)


def test_a_past_version_loses_the_passage_in_every_row_that_held_it(login_as, make_practice, db):
    client, author = login_as("member")
    practice = make_practice(author, body=f"## Suivi\n{SENTENCE} au tribunal.\n\nUne grille commune.")
    _edit(author, practice, summary="Un résumé revu.")  # version 2 still holds the sentence
    _edit(author, practice, body="## Suivi\nUne grille commune.")  # version 3: the author took it out
    db.session.commit()
    first = _revision(db, practice, 1)

    page = client.get(f"/retrait/practice_revision/{first.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "pour de bon" in text and "sauvegardes" in text  # the consequence is stated
    assert "Retirer un passage" in client.get(f"/pratiques/{practice.id}/historique").get_data(as_text=True)

    response = _redact(
        client, "practice_revision", first.id, passage=f"Mme {CANARY} et ses deux enfants (Léa, 7 ans)"
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/pratiques/{practice.id}/historique")
    db.session.expire_all()
    revisions = _rows(db, "practice_revision", "practice_id = :id", id=practice.id)
    assert CANARY not in revisions and "Léa, 7 ans" not in revisions
    assert revisions.count("Passage retiré le") == 2  # versions 1 and 2; version 3 never had it
    assert CANARY not in _rows(db, "practice", "id = :id", id=practice.id)
    assert "l'attendent au tribunal" in _revision(db, practice, 1).body  # the rest of the text stays
    # History and differences show the mark, never the old text.
    for url in (
        f"/pratiques/{practice.id}/historique/1",
        f"/pratiques/{practice.id}/historique/2",
        f"/pratiques/{practice.id}/historique/3",
    ):
        shown = client.get(url).get_data(as_text=True)
        assert CANARY not in shown
    assert "Passage retiré le" in client.get(f"/pratiques/{practice.id}/historique/1").get_data(as_text=True)


def test_the_whole_version_can_go_and_its_copies_in_later_versions(login_as, make_practice, db):
    client, author = login_as("member")
    practice = make_practice(author, summary=f"Résumé : {SENTENCE}.", body="Un texte sans nom.")
    _edit(author, practice, body="Un texte revu.")
    db.session.commit()
    response = _redact(client, "practice_revision", _revision(db, practice, 1).id)
    assert response.status_code == 303
    db.session.expire_all()
    assert CANARY not in _rows(db, "practice_revision", "practice_id = :id", id=practice.id)
    assert CANARY not in _rows(db, "practice", "id = :id", id=practice.id)
    first = _revision(db, practice, 1)
    assert first.body.startswith("« Passage retiré le ") and first.title == first.body
    # Text the first version did not share with later ones stays in them.
    assert _revision(db, practice, 2).body == "Un texte revu."


def test_the_search_index_forgets_the_word_on_both_engines(login_as, make_practice, run_jobs, db):
    client, author = login_as("member")
    practice = make_practice(author, title="Accueil des familles", body=f"Nous avons reçu {SENTENCE}.")
    db.session.commit()
    reader, _ = login_as("member")
    assert "Accueil des familles" in reader.get("/pratiques/", query_string={"q": CANARY}).get_data(
        as_text=True
    )
    assert practices.find(author, practices.Filters(q=CANARY)).total == 1

    revision = _revision(db, practice, 1)
    assert _redact(client, "practice_revision", revision.id, passage=f"Mme {CANARY}").status_code == 303
    run_jobs()  # the index merge (SQLite) and the vacuum (PostgreSQL) after the commit

    page = reader.get("/pratiques/", query_string={"q": CANARY}).get_data(as_text=True)
    assert "Accueil des familles" not in page
    found = practices.find(author, practices.Filters(q=CANARY))
    assert found.total == 0
    # The practice is still found by its other words: it was re-indexed, not dropped.
    assert practices.find(author, practices.Filters(q="familles")).total == 1
    if db.session.get_bind().dialect.name == "sqlite":
        indexed = _rows(db, "practice_fts", "rowid = :id", id=practice.id)
    else:
        indexed = db.session.scalar(
            sa.text("SELECT search_vector::text FROM practice WHERE id = :id"), {"id": practice.id}
        )
    assert "zorblanquet" not in indexed.lower()
    assert "retir" in indexed.lower()  # the mark's words are what the index holds now


def test_cached_pdfs_are_deleted_and_the_next_one_is_made_from_the_redacted_text(
    app, login_as, make_practice, run_jobs, db
):
    client, author = login_as("member")
    practice = make_practice(author, title="Plan de sécurité partagé", body=f"Un accueil pour {SENTENCE}.")
    db.session.commit()
    assert client.post(f"/pratiques/{practice.id}/pdf").status_code == 303
    assert run_jobs() >= 1
    task = db.session.scalar(sa.select(TaskRecord).where(TaskRecord.kind == "practice_pdf"))
    db.session.refresh(task)
    assert task.status == "done", task.error
    old_file = Path(app.instance_path) / task.result_path
    assert CANARY in PdfReader(io.BytesIO(old_file.read_bytes())).pages[0].extract_text()

    assert (
        _redact(client, "practice_revision", _revision(db, practice, 1).id, passage=SENTENCE).status_code
        == 303
    )
    assert not old_file.exists()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TaskRecord)) == 0

    again = client.post(f"/pratiques/{practice.id}/pdf")
    assert again.status_code == 303
    assert run_jobs() >= 1
    task = db.session.scalar(sa.select(TaskRecord).where(TaskRecord.kind == "practice_pdf"))
    db.session.refresh(task)
    assert task.status == "done", task.error
    new_file = Path(app.instance_path) / task.result_path
    assert new_file != old_file
    text = PdfReader(io.BytesIO(new_file.read_bytes())).pages[0].extract_text()
    assert CANARY not in text and "Passage retiré le" in text
    new_file.unlink()


def test_unsent_digests_and_outbox_emails_lose_the_passage(app, login_as, make_practice, email_level, db):
    from intranet.mail.privacy import Level
    from intranet.mail.services import compose, store_email
    from intranet.notifications import digests

    email_level("full")
    client, author = login_as("member")
    summary = (
        f"{SENTENCE} : " + "une démarche pour préparer chaque audience avec la femme et son avocate, " * 4
    )
    practice = make_practice(author, title="Préparer l’audience", summary=summary)
    reader, member = login_as("member")
    # A digest waiting in the outbox: its summary is shortened (« … ») and escaped in HTML.
    digest = digests.next_digest(member)
    rendered, headers = digests.render_digest(member, None, digest, digests.EmailLinks(app))
    pending = store_email(
        rendered, to=member.email, kind="digest_weekly", user_id=member.id, headers=headers, deliver=False
    )
    assert CANARY in pending.body_text and "l&#39;attendent" in pending.body_html
    assert "…" in pending.body_text
    other = store_email(
        compose(
            "digest_weekly",
            "notifications_digest",
            locale="fr",
            level=Level.FULL,
            sections=[],
            intro="Rien de neuf.",
            count=0,
            home_url="http://x",
            preferences_url="http://x",
            unsubscribe_url="http://x",
        ),
        to="autre@essai.example",
        kind="digest_weekly",
        deliver=False,
    )
    other_text = other.body_text
    db.session.commit()

    assert (
        _redact(client, "practice_revision", _revision(db, practice, 1).id, passage=summary).status_code
        == 303
    )
    db.session.expire_all()
    outbox = _rows(db, "outbox_message")
    assert CANARY not in outbox and "Léa, 7 ans" not in outbox
    row = db.session.get(OutboxMessage, pending.id)
    assert row.status == MailStatus.PENDING and "Passage retiré le" in row.body_text
    assert "Passage retiré le" in row.body_html
    assert db.session.get(OutboxMessage, other.id).body_text == other_text  # other emails untouched
    # A digest built now reads the rows as they are.
    assert CANARY not in str(digests.next_digest(member).sections)


def test_comments_on_practices_and_advocacy_are_redacted_whole(
    login_as, make_practice, make_position, make_user, db
):
    from intranet.advocacy import services as advocacy
    from intranet.advocacy.models import Comment

    practice = make_practice()
    client, commenter = login_as("member")
    comment = practices.add_comment(commenter, practice, f"Je connais {SENTENCE}.")
    staff_client, staff = login_as("staff")
    position = make_position(status="in_review", staff=staff)
    remark = advocacy.add_comment(staff, position.latest_version, f"Retirez le nom de {SENTENCE}.")
    db.session.commit()

    assert _redact(client, "practice_comment", comment.id).status_code == 303
    assert _redact(staff_client, "advocacy_comment", remark.id).status_code == 303
    db.session.expire_all()
    for table in ("practice_comment", "advocacy_comment"):
        stored = _rows(db, table)
        assert CANARY not in stored and "Passage retiré le" in stored
    assert db.session.get(PracticeComment, comment.id).body.startswith("« Passage retiré le ")
    assert db.session.get(Comment, remark.id).body.startswith("« Passage retiré le ")
    shown = client.get(f"/pratiques/{practice.id}").get_data(as_text=True)
    assert CANARY not in shown and "Passage retiré le" in shown


def test_an_advocacy_version_is_redacted_with_the_working_copy_and_its_briefs(
    app, login_as, make_position, make_user, db
):
    client, author = login_as("member")
    position = make_position(
        author,
        status="in_review",
        body=f"## Constat\n\n{SENTENCE}.\n",
        demands=(f"Protéger {SENTENCE}", "Indexer le financement"),
    )
    version = position.latest_version
    # A brief already made from it, cached on disk.
    brief = Path(app.instance_path) / "briefs" / "vieux-dossier.pdf"
    brief.parent.mkdir(parents=True, exist_ok=True)
    brief.write_bytes(b"%PDF-1.4 " + CANARY.encode())
    db.session.add(
        TaskRecord(
            kind="advocacy_brief",
            func="jobs.advocacy.render_brief",
            args=[position.id, 1],
            status="done",
            cache_key=f"advocacy-brief:{position.id}:v1:abc",
            result_path="briefs/vieux-dossier.pdf",
        )
    )
    db.session.commit()
    revision_before = position.revision

    assert client.get(f"/plaidoyer/{position.id}/versions/{version.number}").status_code == 200
    response = _redact(client, "advocacy_version", version.id, passage=SENTENCE)
    assert response.status_code == 303
    db.session.expire_all()
    for table in ("advocacy_version", "advocacy_position"):
        assert CANARY not in _rows(db, table)
    assert not brief.exists()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TaskRecord)) == 0
    assert db.session.get(type(position), position.id).revision == revision_before + 1
    shown = client.get(f"/plaidoyer/{position.id}/versions/{version.number}").get_data(as_text=True)
    assert CANARY not in shown and "Passage retiré le" in shown


def test_the_audit_event_says_who_what_and_when_never_the_text(login_as, make_practice, db):
    client, author = login_as("member")
    practice = make_practice(author, body=f"Avec {SENTENCE}.")
    db.session.commit()
    revision = _revision(db, practice, 1)
    assert _redact(client, "practice_revision", revision.id, passage=SENTENCE).status_code == 303
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "content.redacted"))
    assert event is not None
    assert (event.actor_id, event.target_type, event.target_id) == (
        author.id,
        "practice_revision",
        str(revision.id),
    )
    assert event.organization_id == practice.organization_id and event.at is not None
    assert event.details["scope"] == "passage"
    logged = _rows(db, "audit_event")
    assert CANARY not in logged and "Léa" not in logged and "Passage retiré" not in logged


def test_refusals_are_clear_and_change_nothing(login_as, make_practice, db):
    client, author = login_as("member")
    practice = make_practice(author, body=f"Avec {SENTENCE}.")
    db.session.commit()
    revision = _revision(db, practice, 1)
    before = _rows(db, "practice_revision")
    unconfirmed = _redact(client, "practice_revision", revision.id, passage=CANARY, confirm=False)
    assert unconfirmed.status_code == 422 and "Cochez la case" in unconfirmed.get_data(as_text=True)
    absent = _redact(client, "practice_revision", revision.id, passage="Un passage qui n'y est pas")
    assert absent.status_code == 422 and "ne figure pas" in absent.get_data(as_text=True)
    assert "Un passage qui n&#39;y est pas" in absent.get_data(as_text=True)  # what was typed stays
    assert _redact(client, "practice_revision", revision.id, passage="ab").status_code == 422
    # « Léa » inside « Léanne » is not « Léa »: whole words only.
    assert _redact(client, "practice_revision", revision.id, passage=CANARY[:-3]).status_code == 422
    assert _rows(db, "practice_revision") == before
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == "content.redacted")
        )
        == 0
    )


@pytest.mark.parametrize(
    "who, status",
    [
        ("author", 200),
        ("staff", 200),
        ("colleague", 404),
        ("other_org", 404),
        ("coordinator", 404),
    ],
)
def test_who_may_redact_a_version(who, status, app, login_as, make_practice, make_org, make_user, db):
    home = make_org(name="Maison de l’auteure")
    author = make_user("member", org=home)
    practice = make_practice(author, body=f"Avec {SENTENCE}.")
    db.session.commit()
    revision = _revision(db, practice, 1)
    if who == "author":
        client, _ = login_as(user=author)
    elif who == "staff":
        client, _ = login_as("staff")
    elif who == "colleague":
        client, _ = login_as("member", org=home)
    elif who == "coordinator":
        client, _ = login_as("coordinator", org=home)
    else:
        client, _ = login_as("member", org=make_org(name="Un autre organisme"))
    assert client.get(f"/retrait/practice_revision/{revision.id}").status_code == status
    posted = _redact(client, "practice_revision", revision.id, passage=CANARY)
    assert posted.status_code == (303 if status == 200 else 404)
    db.session.expire_all()
    assert (CANARY in _rows(db, "practice_revision")) == (status != 200)
    if status == 404:
        history = client.get(f"/pratiques/{practice.id}/historique").get_data(as_text=True)
        assert "/retrait/" not in history  # no link offered where the action is refused


def test_staff_do_not_see_an_organization_only_practice_so_cannot_redact_it(login_as, make_practice, db):
    client, author = login_as("member")
    practice = make_practice(author, body=f"Avec {SENTENCE}.", visibility="organization")
    db.session.commit()
    revision = _revision(db, practice, 1)
    staff_client, _ = login_as("staff")
    assert staff_client.get(f"/retrait/practice_revision/{revision.id}").status_code == 404
    assert client.get(f"/retrait/practice_revision/{revision.id}").status_code == 200


@pytest.mark.parametrize(
    "who, status", [("author", 303), ("staff", 303), ("practice_author", 404), ("other_org", 404)]
)
def test_who_may_redact_a_comment(who, status, login_as, make_practice, make_org, make_user, db):
    practice_author = make_user("member")
    practice = make_practice(practice_author)
    commenter = make_user("member", org=make_org(name="Pont interculturel"))
    comment = practices.add_comment(commenter, practice, f"Je connais {SENTENCE}.")
    db.session.commit()
    user = {"author": commenter, "practice_author": practice_author}.get(who)
    if user is not None:
        client, _ = login_as(user=user)
    elif who == "staff":
        client, _ = login_as("staff")
    else:
        client, _ = login_as("member", org=make_org(name="Encore un autre"))
    assert _redact(client, "practice_comment", comment.id).status_code == status
    assert client.get("/retrait/pas_un_genre/1").status_code == 404


@pytest.mark.parametrize(
    "who, status", [("author", 303), ("staff", 303), ("colleague", 404), ("other_org", 404)]
)
def test_who_may_redact_an_advocacy_version(who, status, login_as, make_position, make_org, make_user, db):
    home = make_org(name="Maison qui écrit")
    author = make_user("member", org=home)
    position = make_position(author, status="submitted", body=f"## Constat\n\n{SENTENCE}.\n")
    db.session.commit()
    if who == "author":
        client, _ = login_as(user=author)
    elif who == "staff":
        client, _ = login_as("staff")
    elif who == "colleague":
        client, _ = login_as("member", org=home)
    else:
        client, _ = login_as("coordinator", org=make_org(name="Cosignataire"))
    assert (
        _redact(client, "advocacy_version", position.latest_version.id, passage=CANARY).status_code == status
    )


def test_a_redaction_of_an_unknown_object_is_not_found(login_as):
    client, _ = login_as("staff")
    assert client.get("/retrait/practice_revision/999999").status_code == 404
    assert _redact(client, "practice_comment", 999999).status_code == 404


def test_a_pdf_finished_after_its_task_was_forgotten_is_discarded(app, make_practice, make_user, db):
    """A render that was running during the redaction must not leave its file behind."""
    from intranet.tasks.services import submit_task
    from jobs import runner

    practice = make_practice()
    task = submit_task(
        kind="practice_pdf",
        func="tests.redaction.test_redaction.forget_and_render",
        args=[practice.id],
        user=make_user("member"),
        queue="pdf",
    )
    db.session.commit()
    assert runner.run_task(task.id) == "forgotten"
    assert not (Path(app.instance_path) / "practices" / f"late-{practice.id}.pdf").exists()


def forget_and_render(practice_id: int, *, task_id: int) -> dict:
    """A job that writes its file while a redaction forgets its task (a test double)."""
    from flask import current_app

    from intranet.database import write_intent
    from intranet.extensions import db

    write_intent()
    db.session.delete(db.session.get(TaskRecord, task_id))
    db.session.commit()
    path = Path(current_app.instance_path) / "practices" / f"late-{practice_id}.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4 old text")
    return {"path": f"practices/late-{practice_id}.pdf", "name": "x.pdf", "mimetype": "application/pdf"}


def test_the_mark_is_dated_in_the_network_language(app):
    from datetime import UTC, datetime

    assert (
        redaction.mark_text(datetime(2026, 12, 6, 15, tzinfo=UTC)) == "« Passage retiré le 6 décembre 2026 »"
    )
    assert Practice  # the models are mapped


def test_the_vacuum_after_a_redaction_reclaims_old_row_versions_on_postgresql(db):
    from jobs.redaction import vacuum

    done = vacuum(["practice_revision", "outbox_message", "pas_une_table"])
    if db.session.get_bind().dialect.name == "postgresql":
        assert done == ["practice_revision", "outbox_message"]
    else:
        assert done == []


def test_notification_titles_that_copied_a_removed_title_are_rewritten(
    login_as, make_practice, make_user, db
):
    from intranet.notifications.models import Notification

    client, author = login_as("member")
    practice = make_practice(author, title=f"Chez {CANARY} et ses enfants", body="Un texte.")
    practices.add_comment(make_user("member"), practice, "Merci pour ce partage.")  # notifies the author
    db.session.commit()
    assert CANARY in _rows(db, "notification")
    assert (
        _redact(client, "practice_revision", _revision(db, practice, 1).id, passage=CANARY).status_code == 303
    )
    db.session.expire_all()
    assert CANARY not in _rows(db, "notification")
    assert "Passage retiré le" in db.session.scalar(sa.select(Notification.title))
