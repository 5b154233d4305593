"""A member sees and downloads what Passerelle holds about them, and can close their account."""

from __future__ import annotations

import json

import sqlalchemy as sa

from intranet.accounts.models import User, UserSession
from intranet.audit.models import AuditEvent
from intranet.tasks.models import TaskRecord
from tests.conftest import TEST_PASSWORD


def test_my_data_page_lists_what_is_held(login_as, db):
    client, user = login_as("member", name="Gisèle Essai")
    db.session.add(TaskRecord(kind="practice_pdf", func="jobs.x", args=[], queue="pdf", user_id=user.id))
    db.session.flush()
    page = client.get("/mes-donnees")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Gisèle Essai" in body and user.email in body and "Tâches lancées" in body
    assert "Sessions ouvertes" in body and "Connexion réussie" in body


def test_the_download_holds_my_data_and_nothing_secret_or_someone_else_s(login_as, make_user, db):
    client, user = login_as("coordinator")
    colleague = make_user("member", org=user.organization, email="collegue@essai.example")
    colleague.invited_by_id = user.id
    db.session.add(TaskRecord(kind="practice_pdf", func="jobs.x", args=[], queue="pdf", user_id=user.id))
    db.session.add(TaskRecord(kind="practice_pdf", func="jobs.x", args=[], queue="pdf", user_id=colleague.id))
    db.session.flush()
    response = client.post("/mes-donnees/telecharger")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.get_data())
    assert data["profile"]["email"] == user.email
    assert data["data"]["task_record.user_id"]["count"] == 1
    sessions = data["data"]["user_session.user_id"]["rows"]
    assert sessions and all("token_hash" not in row for row in sessions)
    raw = response.get_data(as_text=True)
    assert "collegue@essai.example" not in raw  # the people I invited are theirs, not mine
    assert user.password_hash not in raw and "argon2" not in raw
    assert any(e["action"] == "login.succeeded" for e in data["security_log"])
    assert db.session.scalar(
        sa.select(AuditEvent.id).where(
            AuditEvent.action == "mydata.downloaded", AuditEvent.actor_id == user.id
        )
    )


def test_closing_removes_the_person_and_keeps_the_content(app, login_as, db):
    client, user = login_as("member", email="partante@essai.example", name="Partante")
    task = TaskRecord(kind="practice_pdf", func="jobs.x", args=[], queue="pdf", user_id=user.id)
    db.session.add(task)
    db.session.flush()
    wrong = client.post("/mes-donnees/fermer", data={"password": "pas le bon", "understood": "y"})
    assert wrong.status_code == 422 and user.closed_at is None
    unticked = client.post("/mes-donnees/fermer", data={"password": TEST_PASSWORD})
    assert unticked.status_code == 422 and user.closed_at is None
    response = client.post("/mes-donnees/fermer", data={"password": TEST_PASSWORD, "understood": "y"})
    assert response.status_code == 303 and response.headers["Location"] == "/connexion"
    db.session.refresh(user)
    assert user.closed_at is not None and not user.active
    assert user.name == "Compte fermé" and "partante" not in user.email and user.password_hash is None
    assert (
        db.session.scalar(sa.select(sa.func.count(UserSession.id)).where(UserSession.user_id == user.id)) == 0
    )
    assert db.session.get(TaskRecord, task.id).user_id == user.id  # the organization's history stays
    assert client.get("/").status_code == 302
    again = app.test_client().post(
        "/connexion", data={"email": "partante@essai.example", "password": TEST_PASSWORD}
    )
    assert again.status_code == 422
    assert db.session.scalar(sa.select(AuditEvent.id).where(AuditEvent.action == "account.closed"))


def test_closing_cancels_upcoming_training_seats(app, login_as, db):
    from datetime import timedelta

    from intranet.database import utcnow
    from intranet.trainings import services as trainings
    from intranet.trainings.models import SessionFormat, Training, TrainingSession

    client, user = login_as("member")
    training = Training(title="Plan de sécurité", description="d", published=True)
    db.session.add(training)
    db.session.flush()
    start = utcnow() + timedelta(days=20)
    session = TrainingSession(
        training_id=training.id,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        registration_deadline=start - timedelta(days=2),
        capacity=5,
        format=SessionFormat.ONLINE,
    )
    db.session.add(session)
    db.session.flush()
    registration = trainings.register(user, session, user)
    db.session.flush()
    assert (
        client.post("/mes-donnees/fermer", data={"password": TEST_PASSWORD, "understood": "y"}).status_code
        == 303
    )
    db.session.refresh(registration)
    assert registration.status == "cancelled"


def test_the_last_administrator_cannot_close_their_account(login_as, db):
    client, admin = login_as("admin")
    others = db.session.scalar(
        sa.select(sa.func.count(User.id)).where(User.role == "admin", User.id != admin.id)
    )
    assert others == 0
    response = client.post("/mes-donnees/fermer", data={"password": TEST_PASSWORD, "understood": "y"})
    assert response.status_code == 422 and admin.closed_at is None
    assert "seule personne de l’administration" in response.get_data(as_text=True)
