"""Shared resources: who adds, suggests, approves, edits, confirms, reports; notes; verification."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from intranet.database import utcnow
from intranet.directory.models import Resource, ResourceNote, ResourceReport, ResourceStatus


def _form(region_id, **overrides):
    data = {
        "name": "Interprètes en tigrigna de l’Estrie",
        "kind": "interpreting",
        "provider": "Le Pont des Cultures",
        "coverage": "regions",
        "region_ids": [str(region_id)],
        "languages": ["ti", "am"],
        "modalities": ["in_person", "telephone"],
        "violence_training": "partly",
        "training_by": "Le réseau",
        "cost": "30 $ l’heure",
        "who_pays": "L’organisme demandeur",
        "how_to_request": "Par courriel, la veille.",
        "usual_delay": "Trois jours",
        "contact_name": "Service des demandes",
        "contact_email": "demandes@pont.example",
        "contact_phone": "819 555-0199",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("member", ResourceStatus.PENDING),
        ("coordinator", ResourceStatus.PUBLISHED),
        ("staff", ResourceStatus.PUBLISHED),
    ],
)
def test_coordinators_and_staff_add_members_suggest(login_as, make_region, db, role, status):
    region = make_region("Estrie")
    client, user = login_as(role)
    response = client.post("/ressources/nouvelle", data=_form(region.id))
    assert response.status_code == 303
    resource = db.session.scalar(sa.select(Resource).where(Resource.created_by_id == user.id))
    assert resource.status == status
    assert resource.languages == ["am", "ti"] and resource.modalities == ["in_person", "telephone"]
    if status == ResourceStatus.PUBLISHED:
        assert resource.confirmed_at is not None and resource.confirmed_by_org_id == user.organization_id
    else:
        assert resource.confirmed_at is None


def test_a_suggestion_is_seen_by_its_author_and_staff_only_until_approved(login_as, make_region, db):
    region = make_region("Estrie")
    author, member = login_as("member")
    assert author.post("/ressources/nouvelle", data=_form(region.id)).status_code == 303
    resource = db.session.scalar(sa.select(Resource).where(Resource.created_by_id == member.id))
    other, _ = login_as("member")
    coordinator, _ = login_as("coordinator")
    staff, _ = login_as("staff")
    assert author.get(f"/ressources/{resource.id}").status_code == 200
    assert other.get(f"/ressources/{resource.id}").status_code == 404
    assert "tigrigna de l’Estrie" not in other.get("/ressources/").get_data(as_text=True)
    # Approving and refusing are the team's.
    assert author.post(f"/ressources/{resource.id}/approuver").status_code == 403
    assert coordinator.post(f"/ressources/{resource.id}/approuver").status_code == 403
    assert staff.get("/ressources/verification").status_code == 200
    assert "tigrigna de l’Estrie" in staff.get("/ressources/verification").get_data(as_text=True)
    assert staff.post(f"/ressources/{resource.id}/approuver").status_code == 303
    db.session.refresh(resource)
    assert resource.status == ResourceStatus.PUBLISHED and resource.published_at is not None
    assert "tigrigna de l’Estrie" in other.get("/ressources/").get_data(as_text=True)


def test_a_refused_suggestion_is_never_published(login_as, make_region, db):
    region = make_region("Estrie")
    author, member = login_as("member")
    author.post("/ressources/nouvelle", data=_form(region.id))
    resource = db.session.scalar(sa.select(Resource).where(Resource.created_by_id == member.id))
    staff, _ = login_as("staff")
    assert staff.post(f"/ressources/{resource.id}/refuser").status_code == 303
    db.session.refresh(resource)
    assert resource.status == ResourceStatus.REJECTED
    assert staff.post(f"/ressources/{resource.id}/approuver").status_code == 404
    assert login_as("member")[0].get(f"/ressources/{resource.id}").status_code == 404


def test_who_edits_a_resource(login_as, make_org, make_region, make_resource, db):
    region = make_region("Estrie")
    org = make_org()
    client, coordinator = login_as("coordinator", org=org)
    resource = make_resource(coordinator, region_ids=[region.id])
    colleague, _ = login_as("coordinator")  # of another organization
    member, _ = login_as("member", org=org)
    staff, _ = login_as("staff")
    edited = _form(region.id, name="Nom corrigé")
    assert member.post(f"/ressources/{resource.id}/modifier", data=edited).status_code == 403
    assert colleague.post(f"/ressources/{resource.id}/modifier", data=edited).status_code == 404
    assert client.post(f"/ressources/{resource.id}/modifier", data=edited).status_code == 303
    assert (
        staff.post(
            f"/ressources/{resource.id}/modifier", data=_form(region.id, name="Par l’équipe")
        ).status_code
        == 303
    )
    db.session.refresh(resource)
    assert resource.name == "Par l’équipe"


def test_a_bad_resource_form_is_422_with_nothing_lost(login_as):
    client, _ = login_as("coordinator")
    response = client.post("/ressources/nouvelle", data=_form(0, region_ids=[], contact_email="nope"))
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choisissez au moins une région" in body and "Interprètes en tigrigna" in body


def test_any_member_confirms_in_one_click_for_their_organization(login_as, make_resource, db):
    resource = make_resource()
    resource.confirmed_at = utcnow() - timedelta(days=500)
    db.session.flush()
    client, member = login_as("member")
    fragment = client.post(f"/ressources/{resource.id}/confirmer", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and member.organization.name in fragment.get_data(as_text=True)
    db.session.refresh(resource)
    assert resource.confirmed_by_org_id == member.organization_id
    assert utcnow() - resource.confirmed_at < timedelta(minutes=1)
    assert client.post(f"/ressources/{resource.id}/confirmer").status_code == 303


def test_a_report_flags_the_resource_until_staff_resolve_it(login_as, make_resource, db):
    resource = make_resource(name="Ligne Canari")
    client, member = login_as("member")
    assert client.post(f"/ressources/{resource.id}/signaler", data={"reason": ""}).status_code == 422
    assert (
        client.post(
            f"/ressources/{resource.id}/signaler", data={"reason": "Le numéro ne répond plus."}
        ).status_code
        == 303
    )
    reader, _ = login_as("member")
    assert "signalée comme périmée" in reader.get("/ressources/").get_data(as_text=True)
    assert "Le numéro ne répond plus." in reader.get(f"/ressources/{resource.id}").get_data(as_text=True)
    assert client.post(f"/ressources/{resource.id}/resoudre").status_code == 403
    staff, _ = login_as("staff")
    assert "Ligne Canari" in staff.get("/ressources/verification").get_data(as_text=True)
    assert staff.post(f"/ressources/{resource.id}/resoudre").status_code == 303
    report = db.session.scalar(sa.select(ResourceReport).where(ResourceReport.resource_id == resource.id))
    assert report.resolved_at is not None
    assert "signalée comme périmée" not in reader.get("/ressources/").get_data(as_text=True)


def test_unconfirmed_for_12_months_it_is_listed_for_verification(login_as, make_resource, db):
    from intranet.directory.services import resources

    fresh = make_resource(name="Fraîche")
    old = make_resource(name="Ancienne")
    start = utcnow()
    fresh.confirmed_at = start
    old.confirmed_at = start - timedelta(days=200)
    db.session.flush()
    later = start + timedelta(days=200)
    assert [r.name for r in resources.to_verify(now=later)] == ["Ancienne"]
    assert resources.needs_verification(old, later) and not resources.needs_verification(fresh, later)
    assert resources.desk_counts(now=later)["to_verify"] == 1
    assert [r.name for r in resources.to_verify(now=start + timedelta(days=366))] == ["Ancienne", "Fraîche"]


def test_the_team_is_told_on_its_home_page(login_as, make_resource, db):
    resource = make_resource()
    resource.confirmed_at = utcnow() - timedelta(days=400)
    db.session.flush()
    staff, _ = login_as("staff")
    member, _ = login_as("member")
    assert "Ressources partagées à vérifier" in staff.get("/").get_data(as_text=True)
    assert "Ressources partagées à vérifier" not in member.get("/").get_data(as_text=True)


def test_members_add_notes_and_delete_their_own(login_as, make_resource, db):
    resource = make_resource()
    author, _ = login_as("member")
    assert author.post(f"/ressources/{resource.id}/notes", data={"body": ""}).status_code == 422
    assert (
        author.post(f"/ressources/{resource.id}/notes", data={"body": "Réactive le soir."}).status_code == 303
    )
    note = db.session.scalar(sa.select(ResourceNote).where(ResourceNote.resource_id == resource.id))
    other, _ = login_as("member")
    assert "Réactive le soir." in other.get(f"/ressources/{resource.id}").get_data(as_text=True)
    assert other.post(f"/ressources/notes/{note.id}/supprimer").status_code == 404
    assert author.post(f"/ressources/notes/{note.id}/supprimer").status_code == 303
    assert db.session.get(ResourceNote, note.id) is None


def test_notes_and_reports_are_guarded(login_as, make_resource, db):
    import re

    from intranet.guard.models import GuardConfirmation

    resource = make_resource()
    client, _ = login_as("member")
    text = {"body": "La coordonnatrice répond au 514 555-0188."}
    first = client.post(f"/ressources/{resource.id}/notes", data=text)
    assert first.status_code == 422 and "514 555-0188" in first.get_data(as_text=True)
    assert db.session.scalar(sa.select(ResourceNote).where(ResourceNote.resource_id == resource.id)) is None
    fingerprint = re.search(
        r'name="confirm_personal" value="([0-9a-f]+)"', first.get_data(as_text=True)
    ).group(1)
    assert (
        client.post(
            f"/ressources/{resource.id}/notes", data={**text, "confirm_personal": fingerprint}
        ).status_code
        == 303
    )
    note = db.session.scalar(sa.select(ResourceNote).where(ResourceNote.resource_id == resource.id))
    record = db.session.scalar(
        sa.select(GuardConfirmation).where(GuardConfirmation.object_type == "directory_resource_note")
    )
    assert record.object_id == note.id and record.kinds == "phone"
    report = client.post(f"/ressources/{resource.id}/signaler", data={"reason": "Écrire à marie.t@gmail.com"})
    assert report.status_code == 422


def test_every_free_text_field_of_the_directory_is_guarded(app):
    from wtforms import StringField, TextAreaField

    from intranet.directory import forms

    with app.test_request_context():
        for form_class in (forms.ProfileForm, forms.ResourceForm, forms.NoteForm, forms.ReportForm):
            form = form_class(meta={"csrf": False})
            for name, field in form._fields.items():
                if isinstance(field, StringField | TextAreaField) and not getattr(field, "guarded", False):
                    # Contacts meant to be shown, checked as what they are (not free text).
                    assert name in {
                        "lead_email",
                        "lead_phone",
                        "website",
                        "contact_email",
                        "contact_phone",
                    }, name
