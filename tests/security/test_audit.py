"""The audit log: every security event recorded, readable and filterable by administrators only,
never editable, kept for a configurable time."""

from __future__ import annotations

import gzip
from datetime import timedelta

import pytest
import sqlalchemy as sa

from intranet import events
from intranet.audit.models import AuditEvent, AuditLogIsAppendOnly
from intranet.database import utcnow


def _last(db, action: str) -> AuditEvent | None:
    return db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id.desc()).limit(1)
    )


def test_foundation_actions_are_recorded(app, db, login_as, make_org, make_region, run_jobs):
    admin_client, admin = login_as("admin")
    assert _last(db, "login.succeeded").actor_id == admin.id
    org = make_org()
    response = admin_client.post(
        f"/gestion/organismes/{org.id}",
        data={
            "name": "Nouvelle",
            "email": "nouvelle@essai.example",
            "organization_id": org.id,
            "role": "member",
            "locale": "fr",
        },
    )
    assert response.status_code == 303
    invited = _last(db, "invitation.sent")
    assert (
        invited.actor_id == admin.id
        and invited.organization_id == org.id
        and invited.details == {"role": "member"}
    )
    user_id = int(invited.target_id)
    admin_client.post(f"/gestion/personnes/{user_id}/reinviter")
    assert _last(db, "invitation.resent").target_id == str(user_id)
    admin_client.post(f"/gestion/personnes/{user_id}/role", data={"role": "coordinator"})
    changed = _last(db, "role.changed")
    assert changed.details == {"before": "member", "after": "coordinator"}
    admin_client.post(f"/gestion/personnes/{user_id}/activation", data={"active": "0"})
    assert _last(db, "account.disabled").target_id == str(user_id)
    region = make_region("Mauricie")
    admin_client.post(
        "/gestion/organismes",
        data={"name": "Maison Neuve", "sector": "shelter", "region_id": region.id, "town": "Trois-Rivières"},
    )
    assert _last(db, "organization.created").target_type == "organization"
    admin_client.post("/gestion/repertoire.csv")
    assert _last(db, "directory.exported").actor_id == admin.id


def test_any_feature_s_event_is_recorded_without_secrets(db, make_user):
    user = make_user("member")
    events.audit.send(
        None,
        action="participants.exported",
        actor_id=user.id,
        organization_id=user.organization_id,
        target_type="training_session",
        target_id=42,
        details={
            "rows": 12,
            "password": "jamais",
            "reset_token": "x" * 40,
            "email": user.email,
            "format": "csv",
        },
    )
    db.session.flush()
    event = _last(db, "participants.exported")
    assert event.target_id == "42" and event.details == {"rows": 12, "format": "csv"}


def test_events_are_never_edited_or_deleted_one_by_one(db):
    event = AuditEvent(action="login.failed", details={})
    db.session.add(event)
    db.session.flush()
    event.action = "login.succeeded"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    event = AuditEvent(action="login.failed", details={})
    db.session.add(event)
    db.session.flush()
    db.session.delete(event)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_old_events_expire_after_the_configured_time(app, db, monkeypatch):
    from intranet.audit.jobs import purge_audit_log

    monkeypatch.setitem(app.config, "AUDIT_RETENTION_DAYS", 30)
    old = AuditEvent(action="login.failed", at=utcnow() - timedelta(days=31), details={})
    recent = AuditEvent(action="login.failed", at=utcnow() - timedelta(days=29), details={})
    db.session.add_all([old, recent])
    db.session.flush()
    old_id, recent_id = old.id, recent.id
    assert purge_audit_log() == 1
    assert db.session.get(AuditEvent, old_id) is None and db.session.get(AuditEvent, recent_id) is not None
    assert _last(db, "audit.purged").details == {"count": 1}


def test_only_administrators_read_the_log(login_as):
    for role in ("member", "coordinator", "staff"):
        client, _user = login_as(role)
        assert client.get("/gestion/journal").status_code == 403
    client, _admin = login_as("admin")
    page = client.get("/gestion/journal")
    assert page.status_code == 200 and "Journal de sécurité" in page.get_data(as_text=True)
    assert "Connexion réussie" in page.get_data(as_text=True)


def test_filters_by_action_family_person_organization_and_dates(db, login_as, make_user, make_org):
    other_org = make_org()
    member = make_user("member", org=other_org, email="filtre@essai.example")
    client, admin = login_as("admin")
    db.session.add_all(
        [
            AuditEvent(
                action="login.failed",
                actor_id=member.id,
                organization_id=other_org.id,
                details={"reason": "password"},
            ),
            AuditEvent(
                action="role.changed",
                actor_id=admin.id,
                organization_id=other_org.id,
                target_type="user",
                target_id=str(member.id),
                details={},
            ),
            AuditEvent(
                action="login.failed",
                at=utcnow() - timedelta(days=40),
                actor_id=member.id,
                details={"reason": "ancien"},
            ),
        ]
    )
    db.session.flush()

    def rows(**query):
        response = client.get("/gestion/journal", query_string=query, headers={"HX-Request": "true"})
        assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)
        return response.get_data(as_text=True).count("<tr><td")

    assert rows(person="filtre@essai.example") == 2
    assert rows(person="FILTRE@essai.example", action="login.") == 2
    assert (
        rows(person="filtre@essai.example", **{"from": (utcnow() - timedelta(days=2)).date().isoformat()})
        == 1
    )
    assert rows(organization=other_org.id) == 2
    assert rows(action="role.changed", organization=other_org.id) == 1
    assert rows(person="personne@inconnue.example") == 0
    assert rows(**{"from": "pas une date", "organization": "x"}) >= 3  # nonsense filters are ignored


def test_pages_of_fifty(db, login_as):
    client, _admin = login_as("admin")
    db.session.add_all([AuditEvent(action="login.failed", details={"n": i}) for i in range(60)])
    db.session.flush()
    response = client.get("/gestion/journal?action=login.failed")
    first = response.get_data(as_text=True)
    assert first.count("<tr><td") == 50 and "page=2" in first
    assert len(gzip.compress(response.get_data())) <= 14 * 1024  # the page budget, with a full page
    fragment = client.get("/gestion/journal?action=login.failed", headers={"HX-Request": "true"})
    assert len(gzip.compress(fragment.get_data())) <= 4 * 1024
    second = client.get("/gestion/journal?action=login.failed&page=2").get_data(as_text=True)
    assert second.count("<tr><td") == 10 and "page=1" in second


def test_features_record_publication_and_participant_exports(app, db):
    from intranet.accounts.models import User
    from intranet.practices import services as practices
    from intranet.practices.models import Practice, Status
    from intranet.trainings import services as trainings
    from intranet.trainings.models import TrainingSession
    from tests.security import world

    _org_id, _canaries, clients = world.demo_world(app)
    staff = db.session.scalar(sa.select(User).where(User.email == "equipe@demo.passerelle.example"))
    owner = db.session.scalar(sa.select(User).where(User.email == "coordination@demo.passerelle.example"))
    published = db.session.scalars(
        sa.select(Practice)
        .where(Practice.status == Status.PUBLISHED, Practice.organization_id == owner.organization_id)
        .order_by(Practice.id)
    ).all()
    practices.withdraw(staff, published[0], "Contient un nom de ville trop précis.")
    practices.set_status(owner, published[1], Status.ARCHIVED)
    db.session.flush()
    unpublished = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "practice.unpublished")
    ).all()
    assert {e.target_id for e in unpublished} == {str(published[0].id), str(published[1].id)}
    assert {e.details["to"] for e in unpublished} == {"withdrawn", "archived"}

    training = db.session.scalar(sa.select(TrainingSession).limit(1)).training
    trainings.save_training(
        staff,
        training,
        title=training.title,
        description=training.description,
        audience=training.audience,
        trainer=training.trainer,
        language=training.language,
        theme_ids=[],
        published=not training.published,
    )
    assert _last(db, "training.unpublished" if training.published is False else "training.published")

    session = db.session.scalar(sa.select(TrainingSession).limit(1))
    assert (
        clients["staff"].get(f"/formations/gestion/seances/{session.id}/participants.csv").status_code == 200
    )
    event = _last(db, "participants.exported")
    assert event.actor_id == staff.id and event.target_id == str(session.id)


def test_advocacy_publication_is_recorded(app, db):
    from intranet.accounts.models import User
    from intranet.advocacy import services as advocacy
    from intranet.advocacy.models import Position, Status
    from tests.security import world

    world.demo_world(app)
    staff = db.session.scalar(sa.select(User).where(User.email == "equipe@demo.passerelle.example"))
    approved = db.session.scalar(sa.select(Position).where(Position.status == Status.APPROVED).limit(1))
    advocacy.transition(staff, approved, "publish")
    db.session.flush()
    event = _last(db, "advocacy.published")
    assert event.actor_id == staff.id and event.target_id == str(approved.id)
