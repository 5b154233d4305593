"""The review workflow: who may move a text along, what each step records, who is told."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from intranet.advocacy.models import Position, Status, Transition, Version
from intranet.mail.models import OutboxMessage
from tests.factories.themes import theme_ids

# Where each action starts from (the fixture builds a position in that state).
SOURCE = {
    "submit": "draft",
    "resubmit": "changes_requested",
    "start_review": "submitted",
    "request_changes": "in_review",
    "approve": "in_review",
    "publish": "approved",
    "archive": "published",
}
TARGET = {
    "submit": Status.SUBMITTED,
    "resubmit": Status.RESUBMITTED,
    "start_review": Status.IN_REVIEW,
    "request_changes": Status.CHANGES_REQUESTED,
    "approve": Status.APPROVED,
    "publish": Status.PUBLISHED,
    "archive": Status.ARCHIVED,
}
ACTORS = ("author", "colleague", "coordinator", "other_coordinator", "other_member", "staff", "admin")
# Who may take each step; everyone else is refused and nothing changes.
ALLOWED = {
    "submit": {"author", "coordinator"},
    "resubmit": {"author", "coordinator"},
    "start_review": {"staff", "admin"},
    "request_changes": {"staff", "admin"},
    "approve": {"staff", "admin"},
    "publish": {"staff", "admin"},
    "archive": {"staff", "admin"},
}


def _step_url(position, action: str) -> str:
    # Archiving asks first, on a route of its own (intranet/confirm.py).
    return (
        f"/plaidoyer/{position.id}/archivage"
        if action == "archive"
        else f"/plaidoyer/{position.id}/etape/{action}"
    )


@pytest.fixture
def cast(make_org, make_user):
    owner = make_org(name="Maison L’Envol")
    other = make_org(name="Accueil Les Passantes")
    return {
        "author": make_user("member", org=owner),
        "colleague": make_user("member", org=owner),
        "coordinator": make_user("coordinator", org=owner),
        "other_coordinator": make_user("coordinator", org=other),
        "other_member": make_user("member", org=other),
        "staff": make_user("staff"),
        "admin": make_user("admin"),
    }


@pytest.mark.parametrize("action", list(SOURCE))
@pytest.mark.parametrize("actor", ACTORS)
def test_permission_matrix(app, db, cast, make_position, login_as, action, actor):
    position = make_position(cast["author"], status=SOURCE[action], staff=cast["staff"])
    before = position.status
    db.session.commit()
    client, _ = login_as(user=cast[actor])
    note = "Ajoutez des chiffres régionaux." if action == "request_changes" else ""
    response = client.post(_step_url(position, action), data={"note": note})
    db.session.expire_all()
    position = db.session.get(Position, position.id)
    if actor in ALLOWED[action]:
        assert response.status_code == 303
        assert position.status == TARGET[action]
        step = db.session.scalars(
            sa.select(Transition).where(Transition.position_id == position.id).order_by(Transition.id.desc())
        ).first()
        assert step.action == action and step.actor_id == cast[actor].id and step.to_status == TARGET[action]
        assert step.note == note
    else:
        assert position.status == before
        # Those who may not even see the text learn nothing about it (rule 3).
        assert response.status_code in (303, 404)
        if response.status_code == 303:
            page = client.get(response.headers["Location"]).get_data(as_text=True)
            assert "Cette étape n’est pas possible pour ce texte." in page


def test_full_path_freezes_versions_records_steps_and_emails_the_people_concerned(
    app, db, cast, make_position, login_as, run_jobs, smtp, pass_email_windows
):
    author, coordinator, staff = cast["author"], cast["coordinator"], cast["staff"]
    position = make_position(author)
    db.session.commit()
    author_client, _ = login_as(user=author)
    staff_client, _ = login_as(user=staff)

    assert author_client.post(f"/plaidoyer/{position.id}/etape/submit", data={"note": ""}).status_code == 303
    run_jobs()
    assert not smtp.messages  # held a few minutes in the outbox, in case more steps follow
    pass_email_windows()
    staff_mail = [m for m in smtp.messages if m["To"] in (staff.email, cast["admin"].email)]
    assert len(staff_mail) == 2  # every active staff member and administrator
    assert "attend une révision" in staff_mail[0].get_body(("plain",)).get_content()
    assert not [m for m in smtp.messages if m["To"] == author.email]  # the actor is not told
    smtp.clear()

    assert staff_client.post(f"/plaidoyer/{position.id}/etape/start_review").status_code == 303
    # Changes can only be requested with a note saying what to change.
    refused = staff_client.post(f"/plaidoyer/{position.id}/etape/request_changes", data={"note": " "})
    assert refused.status_code == 303
    db.session.expire_all()
    assert db.session.get(Position, position.id).status == Status.IN_REVIEW
    staff_client.post(
        f"/plaidoyer/{position.id}/etape/request_changes", data={"note": "Ajoutez une revendication."}
    )
    pass_email_windows()
    told = [m["To"] for m in smtp.messages]
    # The author worked on the text; the coordinator and a colleague did not (issue 17). Two steps
    # within a few minutes: one email, saying where the text is now.
    assert told == [author.email] and coordinator.email not in told and cast["colleague"].email not in told
    texts = [m.get_body(("plain",)).get_content() for m in smtp.messages if m["To"] == author.email]
    # A draft under review is capped at "titles only" (issue 9): the step and the title, no
    # names and no note (the note is on the text's page).
    [text] = texts
    assert "modifications sont demandées" in text and "2 fois" in text
    assert position.title in text and "Ajoutez une revendication." not in text
    assert f"http://passerelle.test/plaidoyer/{position.id}" in text

    # The organization edits the working copy, then submits again: version 2 is frozen.
    edit = author_client.get(f"/plaidoyer/{position.id}/modifier")
    assert edit.status_code == 200
    response = author_client.post(
        f"/plaidoyer/{position.id}/modifier",
        data={
            "kind": "brief",
            "language": "fr",
            "title": position.title,
            "addressee": position.addressee,
            "summary": position.summary,
            "body": position.body,
            "demands": "Financer une place par région\nIndexer le financement\nFormer les intervenantes",
            "themes": theme_ids("Accès au logement"),
            "revision": str(position.revision),
        },
    )
    assert response.status_code == 303
    assert author_client.post(f"/plaidoyer/{position.id}/etape/resubmit").status_code == 303
    for action in ("start_review", "approve", "publish", "archive"):
        assert staff_client.post(_step_url(position, action)).status_code == 303
    db.session.expire_all()
    position = db.session.get(Position, position.id)
    assert position.status == Status.ARCHIVED and position.published_at is not None
    versions = db.session.scalars(sa.select(Version).where(Version.position_id == position.id)).all()
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].demands[-1] == "Former les intervenantes" and len(versions[0].demands) == 2
    steps = db.session.scalars(
        sa.select(Transition).where(Transition.position_id == position.id).order_by(Transition.id)
    ).all()
    assert [s.action for s in steps] == [
        "submit",
        "start_review",
        "request_changes",
        "resubmit",
        "start_review",
        "approve",
        "publish",
        "archive",
    ]
    assert [s.version_number for s in steps][:4] == [1, 1, 1, 2]
    history = author_client.get(f"/plaidoyer/{position.id}").get_data(as_text=True)
    assert "Ajoutez une revendication." in history and staff.name in history


def test_a_text_without_demands_cannot_be_submitted(app, db, cast, make_position, login_as):
    position = make_position(cast["author"], demands=())
    db.session.commit()
    client, _ = login_as(user=cast["author"])
    response = client.post(f"/plaidoyer/{position.id}/etape/submit", follow_redirects=True)
    assert "Ajoutez au moins une revendication" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Position, position.id).status == Status.DRAFT
    assert db.session.scalar(sa.select(sa.func.count(Version.id))) == 0


def test_emails_follow_each_recipient_s_language(
    app, db, make_org, make_user, make_position, smtp, pass_email_windows
):
    from intranet.advocacy import services

    org = make_org()
    author = make_user("member", org=org, locale="en")
    staff = make_user("staff")
    position = make_position(author, status="in_review", staff=staff)
    services.transition(staff, position, "approve", "Bravo.")
    db.session.commit()
    pass_email_windows()
    mail = next(
        m
        for m in smtp.messages
        if m["To"] == author.email and "approved" in m.get_body(("plain",)).get_content()
    )
    assert "Bravo" not in mail.get_body(("plain",)).get_content()  # a draft's note stays on the site
    assert "approved by the network" in mail.get_body(("plain",)).get_content()
    assert (
        db.session.scalar(
            sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.to_address == author.email)
        )
        >= 1
    )


def test_publication_prepares_the_brief_for_the_library(app, db, cast, make_position, login_as, run_jobs):
    from intranet.advocacy import services

    position = make_position(cast["author"], status="approved", staff=cast["staff"])
    db.session.commit()
    staff_client, _ = login_as(user=cast["staff"])
    assert staff_client.post(f"/plaidoyer/{position.id}/etape/publish").status_code == 303
    run_jobs()
    task = services.current_brief(position)
    assert task is not None and task.status == "done"
    reader_client, _ = login_as("member", org=cast["other_member"].organization)
    library = reader_client.get("/plaidoyer/bibliotheque").get_data(as_text=True)
    assert f"/taches/{task.public_id}/fichier" in library
    download = reader_client.get(f"/taches/{task.public_id}/fichier")
    assert download.status_code == 200
    import io

    import pypdf

    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(download.get_data())).pages)
    assert position.title in " ".join(text.split()) and "Document de travail" not in text


def test_the_reviewer_s_request_is_shown_to_the_organization(app, db, cast, make_position, login_as):
    position = make_position(cast["author"], status="changes_requested", staff=cast["staff"])
    db.session.commit()
    client, _ = login_as(user=cast["colleague"])
    page = client.get(f"/plaidoyer/{position.id}").get_data(as_text=True)
    assert "Modifications demandées par" in page and "Précisez les chiffres." in page
