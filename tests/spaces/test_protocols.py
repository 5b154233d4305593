"""Protocols of a space (issue 20): who drafts and who signs, versions and their differences, from
draft to adoption to a PDF made by a worker, the review reminder, the digest at each email level,
and canaries: a draft of a members-only space appears to no one outside it."""

from __future__ import annotations

import email
import email.policy
import io
from datetime import date, timedelta

import pypdf
import pytest
import sqlalchemy as sa

from intranet.mail.models import OutboxMessage
from intranet.mail.services import build_message
from intranet.notifications.models import Notification
from intranet.spaces import policy, services
from intranet.spaces.models import SpaceVisibility
from intranet.spaces.protocols import services as protocols
from intranet.spaces.protocols.models import ProtocolStatus
from intranet.tasks.models import TaskStatus
from tests.conftest import AuthActions

CANARY = "Protocole-canari-Q7"
BODY = """## Objet

Comment la maison et l’organisme pont se réfèrent une femme, avec son accord.

## Engagements

Chaque organisation nomme une porteuse de dossier.
"""


@pytest.fixture
def table(make_table, make_org, make_user):
    made = make_table("Table protocole", shelter="Maison Protocole", bridge="Pont Protocole")
    space, staff, shelter, bridge = made.space, made.staff, made.shelter, made.bridge
    facilitator = make_user("member", org=shelter)
    services.name_facilitator(staff, space, facilitator)
    people = {
        "staff": staff,
        "facilitator": facilitator,
        "coord": make_user("coordinator", org=shelter),
        "bridge_coord": make_user("coordinator", org=bridge),
        "member": make_user("member", org=shelter),
        "outsider": make_user("coordinator", org=make_org(name="Maison Dehors")),
    }
    return space, people


def _client(app, user):
    client = app.test_client()
    AuthActions(client).login(user)
    return client


def _draft(space, author, title=CANARY, body=BODY):
    return protocols.create(author, space, title=title, body=body)


def _adopted(space, people, today=None):
    protocol = _draft(space, people["facilitator"])
    protocols.open_for_signature(people["facilitator"], protocol)
    protocols.sign(people["coord"], protocol)
    protocols.sign(people["bridge_coord"], protocol)
    protocols.adopt(people["facilitator"], protocol, today or date.today(), make_pdf=False)
    return protocol


def test_who_drafts_sees_and_signs(db, table):
    space, people = table
    drafters = {k for k, u in people.items() if policy.can_draft_protocol(u, space)}
    assert drafters == {"staff", "facilitator"}
    protocol = _draft(space, people["staff"])
    with pytest.raises(protocols.ProtocolError):
        _draft(space, people["coord"])
    seeing = {k for k, u in people.items() if policy.can_see_protocol(u, protocol)}
    assert seeing == {"staff", "facilitator", "coord", "bridge_coord", "member"}
    assert not any(policy.can_sign_protocol(u, protocol) for u in people.values())  # a draft is not signed
    protocols.open_for_signature(people["staff"], protocol)
    signers = {k for k, u in people.items() if policy.can_sign_protocol(u, protocol)}
    assert signers == {"coord", "bridge_coord"}  # coordinators of member organizations only
    with pytest.raises(protocols.ProtocolError):
        protocols.sign(people["member"], protocol)
    with pytest.raises(protocols.ProtocolError):
        protocols.sign(people["outsider"], protocol)
    editors = {k for k, u in people.items() if policy.can_edit_protocol(u, protocol)}
    assert editors == set()  # open for signature: the text no longer changes


def test_permissions_through_the_pages(app, db, table):
    space, people = table
    protocol = _draft(space, people["facilitator"])
    db.session.commit()
    member = _client(app, people["member"])
    assert member.get(f"/tables/protocoles/{protocol.id}").status_code == 200
    assert member.get(f"/tables/{space.id}/protocoles/nouveau").status_code == 404
    assert member.get(f"/tables/protocoles/{protocol.id}/modifier").status_code == 404
    coord = _client(app, people["coord"])
    assert coord.post(f"/tables/protocoles/{protocol.id}/ouvrir").status_code == 404
    assert coord.post(f"/tables/protocoles/{protocol.id}/signer").status_code == 404  # still a draft
    facilitator = _client(app, people["facilitator"])
    assert facilitator.get(f"/tables/protocoles/{protocol.id}/ouvrir").status_code == 200  # asks first
    assert facilitator.post(f"/tables/protocoles/{protocol.id}/ouvrir").status_code == 303
    db.session.refresh(protocol)
    assert protocol.status == ProtocolStatus.OPEN
    assert member.post(f"/tables/protocoles/{protocol.id}/signer").status_code in (403, 404)
    assert coord.post(f"/tables/protocoles/{protocol.id}/signer").status_code == 303
    assert [s.organization.name for s in protocols.signatories(protocol)] == ["Maison Protocole"]
    page = coord.get(f"/tables/protocoles/{protocol.id}").get_data(as_text=True)
    assert "Retirer la signature" in page and "Pont Protocole" in page  # who has not signed yet


def test_versions_and_word_differences(app, db, table):
    space, people = table
    protocol = _draft(
        space, people["facilitator"], title="Référence", body="La maison rappelle dans la journée."
    )
    db.session.commit()
    client = _client(app, people["facilitator"])
    form = client.get(f"/tables/protocoles/{protocol.id}/modifier").get_data(as_text=True)
    assert 'name="base_version" type="hidden" value="1"' in form or 'value="1"' in form
    response = client.post(
        f"/tables/protocoles/{protocol.id}/modifier",
        data={"title": "Référence", "body": "La maison rappelle dans les deux heures.", "base_version": "1"},
    )
    assert response.status_code == 303
    db.session.refresh(protocol)
    assert protocol.version_count == 2 and [v.number for v in protocols.versions(protocol)] == [2, 1]
    page = client.get(f"/tables/protocoles/{protocol.id}/comparer?de=1&a=2").get_data(as_text=True)
    assert "journée</del>" in page and "heures</ins>" in page and "<del>La maison" not in page
    # Someone saved in between: the stale form is refused, nothing is overwritten.
    stale = client.post(
        f"/tables/protocoles/{protocol.id}/modifier",
        data={"title": "Référence", "body": "Autre chose.", "base_version": "1"},
    )
    assert stale.status_code == 422
    db.session.refresh(protocol)
    assert protocol.body == "La maison rappelle dans les deux heures."
    # The text is guarded like every text others read.
    guarded = client.post(
        f"/tables/protocoles/{protocol.id}/modifier",
        data={"title": "Référence", "body": "Appeler Mme Tremblay au 514 555-0199.", "base_version": "2"},
    )
    assert guarded.status_code == 422 and protocol.version_count == 2


def test_from_draft_to_adoption_to_a_pdf_made_by_a_worker(app, db, table, run_jobs):
    space, people = table
    protocol = _draft(space, people["facilitator"])
    protocols.open_for_signature(people["facilitator"], protocol)
    protocols.sign(people["coord"], protocol)
    with pytest.raises(protocols.ProtocolError, match="au moins"):
        protocols.adopt(
            people["facilitator"], protocol, date(2026, 12, 7)
        )  # one organization is not a protocol
    protocols.sign(people["bridge_coord"], protocol)
    protocols.withdraw(people["bridge_coord"], protocol)  # before adoption, a signature can be withdrawn
    assert len(protocols.signatories(protocol)) == 1
    protocols.sign(people["bridge_coord"], protocol)
    db.session.commit()
    client = _client(app, people["facilitator"])
    assert client.post(f"/tables/protocoles/{protocol.id}/adopter").status_code == 303
    db.session.refresh(protocol)
    assert protocol.status == ProtocolStatus.ADOPTED and protocol.review_on is not None
    assert protocol.review_on - protocol.adopted_at.date() >= timedelta(days=364)
    with pytest.raises(protocols.ProtocolError):
        protocols.withdraw(people["bridge_coord"], protocol)  # adoption closed the signatures

    task = protocols.current_pdf(protocol)
    assert (
        task is not None and task.status == TaskStatus.QUEUED and task.queue == "pdf"
    )  # never in the web process
    assert run_jobs() >= 1
    db.session.refresh(task)
    assert task.status == TaskStatus.DONE, task.error
    reader = _client(app, people["member"])
    page = reader.get(f"/tables/protocoles/{protocol.id}").get_data(as_text=True)
    assert f"/taches/{task.public_id}/fichier" in page
    download = reader.get(f"/taches/{task.public_id}/fichier")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert task.result_name.startswith("protocole-canari-q7-v1")
    pdf = pypdf.PdfReader(io.BytesIO(download.get_data()))
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).replace("\u00a0", " ").split())
    assert len(pdf.pages) == 1  # a short protocol: one page, signatories after the text
    assert (round(float(pdf.pages[0].mediabox.width)), round(float(pdf.pages[0].mediabox.height))) == (
        612,
        792,
    )
    assert CANARY in text and "Maison Protocole" in text and "Pont Protocole" in text
    assert "protocole de collaboration" in text.lower() and "Organisations signataires" in text
    # Outside the space, the file is not reachable either.
    assert _client(app, people["outsider"]).get(f"/taches/{task.public_id}/fichier").status_code in (403, 404)


def test_nothing_outside_a_members_only_space(app, db, table, make_org, make_user):
    space, people = table
    draft = _draft(space, people["facilitator"])
    adopted = _adopted(space, people)
    db.session.commit()
    outsider = _client(app, people["outsider"])
    for url in (
        f"/tables/protocoles/{draft.id}",
        f"/tables/protocoles/{adopted.id}",
        f"/tables/{space.id}/protocoles",
        f"/tables/protocoles/{draft.id}/comparer?a=1",
    ):
        response = outsider.get(url)
        assert response.status_code == 404 and CANARY not in response.get_data(as_text=True), url
    shelter_profile = f"/repertoire/organismes/{people['coord'].organization_id}"
    profile = outsider.get(shelter_profile)
    assert CANARY not in profile.get_data(as_text=True)
    assert protocols.digest_items(people["outsider"], adopted.created_at - timedelta(days=1)) == []
    # Inside, the signatory's profile lists the adopted protocol (and never the draft's status).
    inside = _client(app, people["member"]).get(shelter_profile).get_data(as_text=True)
    assert inside.count(CANARY) == 1 and "Protocoles adoptés" in inside


def test_a_draft_of_a_network_space_stays_with_its_organizations(app, db, make_org, make_user):
    staff = make_user("staff")
    space = services.create_space(
        staff,
        name="Table ouverte",
        description="",
        visibility=SpaceVisibility.NETWORK.value,
        immigration_seats=0,
    )
    services.seat(staff, space, make_org(name="Maison Assise"))
    draft = protocols.create(staff, space, title=CANARY, body=BODY)
    db.session.commit()
    reader = _client(app, make_user("coordinator", org=make_org(name="Maison Lectrice")))
    assert reader.get(f"/tables/{space.id}").status_code == 200  # the space is read network-wide...
    assert CANARY not in reader.get(f"/tables/{space.id}/protocoles").get_data(as_text=True)
    assert reader.get(f"/tables/protocoles/{draft.id}").status_code == 404  # ...not its drafts


def test_notifications_and_the_review_reminder_once(app, db, table):
    space, people = table
    protocol = _draft(space, people["facilitator"])
    protocols.open_for_signature(people["facilitator"], protocol)

    def told(kind):
        return set(db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == kind)))

    assert told("space_protocol_open") == {people["coord"].id, people["bridge_coord"].id}
    protocols.sign(people["coord"], protocol)
    protocols.sign(people["bridge_coord"], protocol)
    protocols.adopt(people["facilitator"], protocol, date(2026, 12, 7), make_pdf=False)
    assert people["member"].id in told("space_protocol_adopted")
    assert people["outsider"].id not in told("space_protocol_adopted")
    assert protocol.review_on == date(2027, 12, 7)
    space_home = _client(app, people["member"])
    db.session.commit()
    assert CANARY in space_home.get(f"/tables/{space.id}").get_data(as_text=True)  # listed on the space

    assert protocols.send_review_reminders(date(2027, 10, 1)) == 0  # too early
    assert protocols.send_review_reminders(date(2027, 11, 10)) == 1
    assert protocols.send_review_reminders(date(2027, 11, 11)) == 0  # once
    reminded = told("space_protocol_review")
    assert {people["member"].id, people["coord"].id, people["facilitator"].id} <= reminded
    assert people["outsider"].id not in reminded


def test_the_scheduled_job_reminds(app, db, table):
    from jobs import scheduler
    from jobs import spaces as space_jobs

    space, people = table
    protocol = _adopted(space, people)
    protocol.review_on = date.today() + timedelta(days=5)
    db.session.commit()
    assert any(path == "jobs.spaces.send_protocol_reminders" for path, *_rest in scheduler.SCHEDULE)
    assert space_jobs.send_protocol_reminders() == 1
    assert space_jobs.send_protocol_reminders() == 0


@pytest.mark.parametrize("level", ["full", "titles", "discreet"])
def test_the_digest_tells_of_protocols_within_the_email_level(app, db, table, email_level, level):
    from intranet.notifications import digests
    from intranet.notifications.models import Frequency, NotificationPreference

    space, people = table
    user = people["bridge_coord"]
    pref = NotificationPreference(user_id=user.id, frequency=Frequency.DAILY)
    db.session.add(pref)
    email_level(level)
    _adopted(space, people)
    db.session.commit()
    counts = digests.send_batch("d2026-12-07", [user.id])
    assert counts["queued"] == 1, counts
    row = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.to_address == user.email)
        .order_by(OutboxMessage.id.desc())
    ).first()
    message = email.message_from_bytes(bytes(build_message(row)), policy=email.policy.default)
    body = message.get_body(("plain",)).get_content()
    assert CANARY not in str(message["Subject"])
    if level == "discreet":
        assert CANARY not in body and "Table protocole" not in body
    else:
        assert CANARY in body
        assert ("Table protocole" in body) == (level == "full")  # the space's name: at "full" only


def test_a_passage_is_redacted_from_the_protocol_and_every_version(app, db, table):
    from intranet.redaction import services as redaction

    space, people = table
    secret = "Sa voisine Mme Canariette"
    protocol = _draft(space, people["facilitator"], title="Référence", body=f"Un exemple : {secret} appelle.")
    protocols.update(
        people["facilitator"],
        protocol,
        title="Référence",
        body=f"Un exemple : {secret} appelle. Et puis.",
        review_on=None,
        base_version=1,
    )
    with pytest.raises(redaction.RedactionError):
        redaction.redact(people["member"], "space_protocol", protocol, secret)  # not its author
    redaction.redact(people["facilitator"], "space_protocol", protocol, secret)
    db.session.flush()
    for table_name in ("space_protocol", "space_protocol_version"):
        rows = db.session.execute(sa.text(f"SELECT title, body FROM {table_name}")).all()
        assert rows and not any("Canariette" in (title + body) for title, body in rows), table_name
