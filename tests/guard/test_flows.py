"""Warn, show, confirm where people write: every kind of identifier, in French and in English, in a
comment (with and without htmx), a review note and an evaluation; then the moderators' queue."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from intranet.advocacy.models import Transition
from intranet.database import utcnow
from intranet.guard import KIND_LABELS
from intranet.guard.models import GuardConfirmation
from intranet.practices.models import PracticeComment
from intranet.trainings.models import Evaluation, Registration, RegistrationStatus
from tests.support import guard_fingerprint

TEXTS = {
    "fr": (
        "Mme Tremblay et sa fille (Léa, 7 ans) : 245, rue des Érables, G5L 3A1, cell 581-555-0133, "
        "marie.t@gmail.com. Née le 14 mars 1987, NAS 046 454 286, RAMQ TREM 8703 1455, "
        "dossier DPJ n° 2023-45871. Merci à Nadia Benali.",
        {
            "honorific": "Mme Tremblay",
            "child": "Léa, 7 ans",
            "address": "245, rue des Érables",
            "postal_code": "G5L 3A1",
            "phone": "581-555-0133",
            "email": "marie.t@gmail.com",
            "birth_date": "Née le 14 mars 1987",
            "sin": "046 454 286",
            "health_number": "TREM 8703 1455",
            "file_number": "2023-45871",
            "person_name": "Nadia Benali",
        },
    ),
    "en": (
        "Mrs. Thompson and her son Liam, 9, live at 1200 Maple Street, K1P 5G4; cell 613-555-0142, "
        "jen.walsh84@gmail.com. Born on March 3, 1990; SIN 130 692 544; health card PATE 9002 1577; "
        "case file no. 2024-CF-00871. Thanks to Sarah Johnson.",
        {
            "honorific": "Mrs. Thompson",
            "child": "Liam, 9",
            "address": "1200 Maple Street",
            "postal_code": "K1P 5G4",
            "phone": "613-555-0142",
            "email": "jen.walsh84@gmail.com",
            "birth_date": "Born on March 3, 1990",
            "sin": "130 692 544",
            "health_number": "PATE 9002 1577",
            "file_number": "2024-CF-00871",
            "person_name": "Sarah Johnson",
        },
    ),
}
ALL_KINDS = ",".join(sorted(KIND_LABELS))


def assert_every_kind_shown(page: str, planted: dict[str, str]) -> None:
    assert "À vérifier avant de publier" in page
    for kind, excerpt in planted.items():
        assert f"<mark>{excerpt}</mark>" in page, kind
        assert str(KIND_LABELS[kind]).replace("’", "&#39;") in page or str(KIND_LABELS[kind]) in page, kind
    assert 'name="confirm_personal"' in page


def _records(db, object_type: str) -> list[GuardConfirmation]:
    return list(
        db.session.scalars(sa.select(GuardConfirmation).where(GuardConfirmation.object_type == object_type))
    )


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_comment_without_javascript(db, login_as, make_practice, language):
    text, planted = TEXTS[language]
    practice = make_practice()
    client, member = login_as("coordinator")
    url = f"/pratiques/{practice.id}/commentaires"
    warned = client.post(url, data={"body": text})
    assert warned.status_code == 422
    page = warned.get_data(as_text=True)
    assert_every_kind_shown(page, planted)
    assert db.session.scalar(sa.select(sa.func.count(PracticeComment.id))) == 0
    published = client.post(url, data={"body": text, "confirm_personal": guard_fingerprint(page)})
    assert published.status_code == 303
    comment = db.session.scalar(sa.select(PracticeComment))
    (record,) = _records(db, "practice_comment")
    assert (record.object_id, record.user_id, record.kinds) == (comment.id, member.id, ALL_KINDS)


def test_a_comment_with_htmx_gets_the_fragment_back(db, login_as, make_practice):
    text, planted = TEXTS["fr"]
    practice = make_practice()
    client, _ = login_as("member")
    url = f"/pratiques/{practice.id}/commentaires"
    headers = {"HX-Request": "true"}
    warned = client.post(url, data={"body": text}, headers=headers)
    assert warned.status_code == 422
    fragment = warned.get_data(as_text=True)
    assert "<html" not in fragment and 'id="pr-comments-h"' in fragment
    assert_every_kind_shown(fragment, planted)
    # A box ticked for something else (or a new passage typed since) does not publish.
    stale = client.post(
        url,
        data={"body": text + " Tél. : 418 555-0199", "confirm_personal": guard_fingerprint(fragment)},
        headers=headers,
    )
    assert stale.status_code == 422
    done = client.post(
        url, data={"body": text, "confirm_personal": guard_fingerprint(fragment)}, headers=headers
    )
    assert done.status_code == 200 and "Merci à Nadia Benali" in done.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(PracticeComment.id))) == 1


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_review_note(db, login_as, make_position, make_user, language):
    text, planted = TEXTS[language]
    position = make_position(status="in_review")
    client, staff = login_as("staff")
    url = f"/plaidoyer/{position.id}/etape/request_changes"
    warned = client.post(url, data={"note": text})
    assert warned.status_code == 422
    page = warned.get_data(as_text=True)
    assert_every_kind_shown(page, planted)
    assert f">{text}</textarea>" in page.replace("&#39;", "'")  # the note as typed
    assert position.status == "in_review"
    assert (
        client.post(url, data={"note": text, "confirm_personal": guard_fingerprint(page)}).status_code == 303
    )
    step = db.session.scalar(sa.select(Transition).where(Transition.action == "request_changes"))
    assert step.note == text
    (record,) = _records(db, "advocacy_transition")
    assert (record.object_id, record.kinds) == (step.id, ALL_KINDS)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_evaluation(db, login_as, make_session, language):
    text, planted = TEXTS[language]
    past = make_session(starts_at=utcnow() - timedelta(days=1), hours=3)
    client, member = login_as("member")
    db.session.add(
        Registration(
            session_id=past.id,
            user_id=member.id,
            status=RegistrationStatus.CONFIRMED,
            queued_at=utcnow() - timedelta(days=5),
            confirmed_at=utcnow() - timedelta(days=5),
        )
    )
    db.session.flush()
    url = f"/formations/seances/{past.id}/evaluation"
    warned = client.post(url, data={"rating": "4", "comment": text})
    assert warned.status_code == 422
    page = warned.get_data(as_text=True)
    assert_every_kind_shown(page, planted)
    assert (
        client.post(
            url, data={"rating": "4", "comment": text, "confirm_personal": guard_fingerprint(page)}
        ).status_code
        == 303
    )
    evaluation = db.session.scalar(sa.select(Evaluation))
    (record,) = _records(db, "training_evaluation")
    # Evaluations are anonymous for the team: the record names no one.
    assert (record.object_id, record.user_id, record.kinds) == (evaluation.id, None, ALL_KINDS)


def test_names_of_the_network_are_not_findings(db, login_as, make_practice, make_org, make_user):
    """A member organization named after a person, a colleague's name: the allow-list clears them."""
    org = make_org(name="Maison Aurore Dubé")
    make_user("member", org=org, name="Julie Gagnon-Lavoie")
    practice = make_practice()
    client, _ = login_as("member")
    text = "Merci à Julie Gagnon-Lavoie et à la Maison Aurore Dubé pour l’atelier ; Nadia Benali y était."
    warned = client.post(f"/pratiques/{practice.id}/commentaires", data={"body": text})
    page = warned.get_data(as_text=True)
    assert warned.status_code == 422
    assert "<mark>Nadia Benali</mark>" in page
    assert "<mark>Julie Gagnon-Lavoie</mark>" not in page and "<mark>Aurore Dubé</mark>" not in page


def test_the_moderators_queue(db, login_as, make_practice):
    text, _planted = TEXTS["fr"]
    practice = make_practice()
    member, _ = login_as("member")
    page = member.post(f"/pratiques/{practice.id}/commentaires", data={"body": text}).get_data(as_text=True)
    member.post(
        f"/pratiques/{practice.id}/commentaires",
        data={"body": text, "confirm_personal": guard_fingerprint(page)},
    )
    comment = db.session.scalar(sa.select(PracticeComment))
    (record,) = _records(db, "practice_comment")

    coordinator, _ = login_as("coordinator")
    assert "Passages confirmés à revoir" not in coordinator.get("/pratiques/signalements").get_data(
        as_text=True
    )
    assert coordinator.post(f"/pratiques/signalements/confirmations/{record.id}/vue").status_code == 403

    staff, moderator = login_as("staff")
    queue = staff.get("/pratiques/signalements").get_data(as_text=True)
    section = queue.split('id="confirmations"', 1)[1]
    assert f'href="/pratiques/{practice.id}#c{comment.id}"' in section
    assert "Commentaire sur une pratique" in section and "numéro de téléphone" in section
    assert "581-555-0133" not in section and "Tremblay" not in section  # kinds, never the text
    reviewed = staff.post(f"/pratiques/signalements/confirmations/{record.id}/vue")
    assert reviewed.status_code == 303
    db.session.refresh(record)
    assert record.reviewed_by_id == moderator.id and record.reviewed_at is not None
    assert "Aucun passage confirmé en attente." in staff.get("/pratiques/signalements").get_data(as_text=True)
