"""Staff pages: trainings and sessions forms, capacity changes, attendance, certificates, evaluations."""

from __future__ import annotations

import io
from datetime import timedelta

import pypdf
import sqlalchemy as sa

from intranet.database import utcnow
from intranet.trainings import services
from intranet.trainings.models import Registration, RegistrationStatus, Training
from tests.support import guard_fingerprint


def test_create_training_keeps_input_on_error_and_warns_about_personal_information(db, login_as, make_theme):
    client, _ = login_as("staff")
    theme = make_theme("Plan de sécurité")
    missing = client.post(
        "/formations/gestion/nouvelle", data={"title": "", "description": "Un texte gardé", "language": "fr"}
    )
    assert missing.status_code == 422 and "Un texte gardé" in missing.get_data(as_text=True)
    data = {
        "title": "Plan de sécurité",
        "description": "Contact : 514-555-0199",
        "language": "fr",
        "themes": [str(theme.id)],
        "published": "y",
    }
    warned = client.post("/formations/gestion/nouvelle", data=data)
    assert warned.status_code == 422 and "numéro de téléphone" in warned.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Training.id))) == 0
    page = warned.get_data(as_text=True)
    saved = client.post(
        "/formations/gestion/nouvelle", data={**data, "confirm_personal": guard_fingerprint(page)}
    )
    assert saved.status_code == 303
    training = db.session.scalar(sa.select(Training))
    assert training.published and [t.name for t in training.themes] == ["Plan de sécurité"]


def test_session_form_validates_and_raising_capacity_promotes(
    db, login_as, make_training, make_session, make_user
):
    client, _ = login_as("staff")
    training = make_training()
    bad = client.post(
        f"/formations/gestion/{training.id}/seances/nouvelle",
        data={
            "starts_at": "2031-05-10T13:00",
            "ends_at": "2031-05-10T09:00",
            "format": "in_person",
            "region_id": "",
            "town": "Rimouski",
            "capacity": "10",
        },
    )
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "La fin doit suivre le début." in text and 'value="Rimouski"' in text

    session = make_session(training=training, capacity=1)
    first, second = make_user(), make_user()
    services.register(first, session, first)
    services.register(second, session, second)
    local = services.to_local
    form = {
        "starts_at": f"{local(session.starts_at):%Y-%m-%dT%H:%M}",
        "ends_at": f"{local(session.ends_at):%Y-%m-%dT%H:%M}",
        "format": "in_person",
        "region_id": str(session.region_id),
        "town": session.town,
        "room_details": session.room_details,
        "capacity": "2",
        "registration_deadline": f"{local(session.registration_deadline):%Y-%m-%dT%H:%M}",
    }
    response = client.post(f"/formations/gestion/seances/{session.id}", data=form)
    assert response.status_code == 303
    assert services.registration_of(session.id, second.id).status == RegistrationStatus.CONFIRMED
    too_low = client.post(f"/formations/gestion/seances/{session.id}", data={**form, "capacity": "1"})
    assert too_low.status_code == 422 and "capacité" in too_low.get_data(as_text=True)


def test_attendance_certificates_and_their_download(db, app, login_as, make_session, make_user, run_jobs):
    session = make_session(starts_at=utcnow() - timedelta(days=2), hours=6)
    came_client, came = login_as("member", name="Karine Présente")
    missed_client, missed = login_as("member")
    for person in (came, missed):
        db.session.add(
            Registration(
                session_id=session.id,
                user_id=person.id,
                status=RegistrationStatus.CONFIRMED,
                queued_at=utcnow() - timedelta(days=9),
                confirmed_at=utcnow() - timedelta(days=9),
            )
        )
    db.session.flush()
    staff_client, _ = login_as("staff")
    came_reg = services.registration_of(session.id, came.id)
    assert (
        staff_client.post(
            f"/formations/gestion/seances/{session.id}/presences", data={"present": [str(came_reg.id)]}
        ).status_code
        == 303
    )
    assert came_reg.attended is True and services.registration_of(session.id, missed.id).attended is False

    assert staff_client.post(f"/formations/gestion/seances/{session.id}/attestations").status_code == 303
    db.session.commit()
    assert run_jobs() >= 1
    db.session.refresh(came_reg)
    assert came_reg.certificate_path
    url = f"/formations/inscriptions/{came_reg.id}/attestation.pdf"
    response = came_client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pypdf.PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "Karine Présente" in text and session.training.title in text
    assert missed_client.get(url).status_code == 404
    assert staff_client.get(url).status_code == 200
    page = staff_client.get(f"/formations/gestion/seances/{session.id}/participants").get_data(as_text=True)
    assert "C’est prêt." in page  # the ZIP of all certificates, from the task


def test_evaluations_after_the_session_seen_in_aggregate_by_staff(db, login_as, make_session, make_user):
    past = make_session(starts_at=utcnow() - timedelta(days=1), hours=3)
    future = make_session()
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
    services.register(member, future, member)
    db.session.flush()
    assert client.get(f"/formations/seances/{future.id}/evaluation").status_code == 404
    outsider, _ = login_as("member")
    assert outsider.get(f"/formations/seances/{past.id}/evaluation").status_code == 404
    assert (
        client.post(f"/formations/seances/{past.id}/evaluation", data={"comment": "sans note"}).status_code
        == 422
    )
    assert (
        client.post(
            f"/formations/seances/{past.id}/evaluation", data={"rating": "4", "comment": "Très utile"}
        ).status_code
        == 303
    )
    assert (
        client.post(f"/formations/seances/{past.id}/evaluation", data={"rating": "1"}).status_code == 303
    )  # once only
    summary = services.evaluation_summary(past.id)
    assert (summary.count, summary.average, summary.comments) == (1, 4.0, ["Très utile"])
    staff_client, _ = login_as("staff")
    page = staff_client.get(f"/formations/gestion/seances/{past.id}/participants").get_data(as_text=True)
    assert "moyenne 4 sur 5" in page  # the reader's number: no "4.0" (issue 17)
    assert "Très utile" in page


def test_my_trainings_lists_registrations_waiting_places_and_past_attendance(
    db, login_as, make_session, make_user, make_training
):
    client, member = login_as("member")
    seat = make_session(training=make_training("Séance avec place"))
    full = make_session(capacity=1, training=make_training("Séance pleine"))
    other = make_user()
    services.register(other, full, other)
    services.register(member, seat, member)
    services.register(member, full, member)
    past = make_session(
        training=make_training("Séance passée suivie"), starts_at=utcnow() - timedelta(days=30)
    )
    db.session.add(
        Registration(
            session_id=past.id,
            user_id=member.id,
            status=RegistrationStatus.CONFIRMED,
            queued_at=utcnow() - timedelta(days=40),
            confirmed_at=utcnow() - timedelta(days=40),
            attended=True,
        )
    )
    db.session.flush()
    html = client.get("/formations/mes-formations").get_data(as_text=True)
    upcoming = html[html.find('id="mine-confirmed"') : html.find('id="mine-waiting"')]
    waiting = html[html.find('id="mine-waiting"') : html.find('id="mine-past"')]
    attended = html[html.find('id="mine-past"') : html.find('id="mine-feed"')]
    assert "Séance avec place" in upcoming and "Séance pleine" not in upcoming
    assert "Séance pleine" in waiting and "position 1" in waiting
    assert (
        "Séance passée suivie" in attended
        and "présence notée" in attended
        and "Évaluer la séance" in attended
    )
