"""Meetings of a space: who schedules, answers the time poll, registers and publishes minutes; the
poll from slots to the chosen date; the place shown to registered organizations only; the personal
calendar feed at each email level; reminders; nothing of a members-only space outside it."""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from intranet.database import utcnow
from intranet.notifications.models import Notification
from intranet.spaces import services as spaces
from intranet.spaces.meetings import feeds, services
from intranet.spaces.meetings.models import Meeting, MeetingRegistration, PollAnswer
from intranet.spaces.models import SpaceVisibility
from tests.conftest import AuthActions

CANARY = "Rencontre-canari-K4"
LINK = "https://visio.example/salle-canari-Q7"


@pytest.fixture
def table(make_table, make_org, make_user):
    made = make_table(
        "Table rencontre", visibility="network", shelter="Maison Rencontre", bridge="Pont Rencontre"
    )
    space, staff, shelter, bridge = made.space, made.staff, made.shelter, made.bridge
    facilitator = make_user("coordinator", org=shelter)
    spaces.name_facilitator(staff, space, facilitator)
    people = {
        "staff": staff,
        "facilitator": facilitator,
        "coord": make_user("coordinator", org=bridge),
        "member": make_user("member", org=shelter),
        "bridge_member": make_user("member", org=bridge),
        "reader": make_user("coordinator", org=make_org(name="Lectrice Rencontre")),
    }
    return space, people


def _client(app, user):
    client = app.test_client()
    AuthActions(client).login(user)
    return client


def _local(when) -> str:
    return when.astimezone(ZoneInfo("America/Toronto")).strftime("%Y-%m-%dT%H:%M")


def _dated(space, people, *, online=True, days=5, **kw):
    place = services.Place(
        is_online=online, town="" if online else "Rimouski", online_url=LINK if online else ""
    )
    values = {
        "title": CANARY,
        "agenda": "1. Accueil",
        "duration_minutes": 90,
        "place": place,
        "starts_at": utcnow() + timedelta(days=days),
    }
    values.update(kw)
    return services.schedule(people["facilitator"], space, **values)


def _kinds(db, kind):
    return set(db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == kind)))


def test_permission_matrix(app, db, table):
    space, people = table
    meeting = _dated(space, people)
    poll = _dated(space, people, starts_at=None, slots=[utcnow() + timedelta(days=d) for d in (3, 4)])
    db.session.flush()
    expected = {
        #                  schedule, answer, register, see place
        "staff": (True, False, False, True),
        "facilitator": (True, True, True, True),
        "coord": (False, True, True, False),
        "member": (False, True, True, False),
        "reader": (False, False, False, False),  # reads the open space, takes no part
    }
    for key, (schedule, answer, register, place) in expected.items():  # before anyone registers
        client = _client(app, people[key])
        assert (client.get(f"/tables/{space.id}/rencontres/nouvelle").status_code == 200) == schedule, key
        page = client.get(f"/tables/rencontres/{poll.id}").get_data(as_text=True)
        assert ("Enregistrer mes réponses" in page) == answer, key
        page = client.get(f"/tables/rencontres/{meeting.id}").get_data(as_text=True)
        assert ("Inscrire mon organisation" in page) == register, key
        assert (LINK in page) == place, key
    for key, (_schedule, _answer, register, _place) in expected.items():
        posted = _client(app, people[key]).post(
            f"/tables/rencontres/{meeting.id}/inscription", data={"people": "2"}
        )
        assert posted.status_code == (303 if register else 404), key
    # Minutes: only who runs the space, and only once the meeting has started.
    facilitator, member = _client(app, people["facilitator"]), _client(app, people["member"])
    assert facilitator.get(f"/tables/rencontres/{meeting.id}/compte-rendu").status_code == 404
    meeting.starts_at = utcnow() - timedelta(hours=3)
    db.session.flush()
    assert facilitator.get(f"/tables/rencontres/{meeting.id}/compte-rendu").status_code == 200
    assert member.get(f"/tables/rencontres/{meeting.id}/compte-rendu").status_code == 404
    assert (
        member.post(f"/tables/rencontres/{meeting.id}/compte-rendu", data={"minutes": "x"}).status_code == 404
    )


def test_a_time_poll_from_slots_to_the_chosen_date(app, db, table):
    space, people = table
    facilitator = _client(app, people["facilitator"])
    slots = [utcnow() + timedelta(days=d, hours=1) for d in (6, 7, 9)]
    form = {
        "title": "Rencontre de printemps",
        "agenda": "1. Bilan",
        "when": "poll",
        "duration_minutes": "120",
        "format": "online",
        "online_url": LINK,
    }
    form.update({f"slots-{i}": _local(s) for i, s in enumerate(slots)})
    response = facilitator.post(f"/tables/{space.id}/rencontres/nouvelle", data=form)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    meeting = db.session.scalar(sa.select(Meeting).where(Meeting.title == "Rencontre de printemps"))
    assert meeting.poll_open and meeting.starts_at is None
    assert {people["member"].id, people["coord"].id} <= _kinds(db, "space_meeting")
    assert people["reader"].id not in _kinds(db, "space_meeting")
    ids = [s.id for s in services.slots(meeting)]
    assert len(ids) == 3

    member, coord = _client(app, people["member"]), _client(app, people["coord"])
    url = f"/tables/rencontres/{meeting.id}/sondage"
    incomplete = member.post(url, data={f"slot-{ids[0]}": "yes"})
    assert incomplete.status_code == 422 and "Répondez pour chaque créneau" in incomplete.get_data(
        as_text=True
    )
    assert (
        member.post(
            url, data={f"slot-{ids[0]}": "yes", f"slot-{ids[1]}": "no", f"slot-{ids[2]}": "no"}
        ).status_code
        == 303
    )
    # Changeable until the poll closes: one answer set per person.
    assert (
        member.post(
            url, data={f"slot-{ids[0]}": "no", f"slot-{ids[1]}": "yes", f"slot-{ids[2]}": "maybe"}
        ).status_code
        == 303
    )
    assert (
        coord.post(
            url, data={f"slot-{ids[0]}": "no", f"slot-{ids[1]}": "yes", f"slot-{ids[2]}": "yes"}
        ).status_code
        == 303
    )
    assert (
        coord.post(
            url, data={f"slot-{ids[0]}": "peut-être", f"slot-{ids[1]}": "yes", f"slot-{ids[2]}": "yes"}
        ).status_code
        == 422
    )
    assert _client(app, people["reader"]).post(url, data={f"slot-{i}": "yes" for i in ids}).status_code == 404
    assert (
        db.session.scalar(sa.select(sa.func.count(PollAnswer.id)).where(PollAnswer.meeting_id == meeting.id))
        == 6
    )
    results = services.poll_results(meeting)
    assert [r.counts for r in results.rows] == [
        {"yes": 0, "maybe": 0, "no": 2},
        {"yes": 2, "maybe": 0, "no": 0},
        {"yes": 1, "maybe": 1, "no": 0},
    ]
    assert results.best == ids[1] and results.total == 2
    page = member.get(f"/tables/rencontres/{meeting.id}").get_data(as_text=True)
    assert re.search(rf'name="slot-{ids[1]}" value="yes" checked', page)  # their answers, ready to change

    assert member.post(url + "/choisir", data={"slot_id": str(ids[1])}).status_code == 404
    assert facilitator.post(url + "/choisir", data={"slot_id": "999999"}).status_code == 422
    assert facilitator.post(url + "/choisir", data={"slot_id": str(ids[1])}).status_code == 303
    db.session.refresh(meeting)
    assert not meeting.poll_open and meeting.starts_at == slots[1].replace(second=0, microsecond=0)
    assert {people["member"].id, people["coord"].id} <= _kinds(db, "space_meeting_date")
    assert member.post(url, data={f"slot-{i}": "yes" for i in ids}).status_code == 404  # closed


def test_scheduling_is_checked(app, db, table):
    space, people = table
    client = _client(app, people["facilitator"])
    base = {"title": "Rencontre", "duration_minutes": "90", "format": "in_person", "town": "Rimouski"}
    one_slot = client.post(
        f"/tables/{space.id}/rencontres/nouvelle",
        data={**base, "when": "poll", "slots-0": _local(utcnow() + timedelta(days=3))},
    )
    assert one_slot.status_code == 422 and "de 2 à 8 créneaux" in one_slot.get_data(as_text=True)
    past = client.post(
        f"/tables/{space.id}/rencontres/nouvelle",
        data={**base, "when": "date", "starts_at": _local(utcnow() - timedelta(days=1))},
    )
    assert past.status_code == 422 and "à venir" in past.get_data(as_text=True)
    street = client.post(
        f"/tables/{space.id}/rencontres/nouvelle",
        data={
            **base,
            "when": "date",
            "starts_at": _local(utcnow() + timedelta(days=3)),
            "town": "245, rue des Érables",
        },
    )
    assert street.status_code == 422  # a street address is refused outright, no box lifts it
    assert db.session.scalar(sa.select(sa.func.count(Meeting.id))) == 0


def test_registrations_by_organization_and_the_hidden_place(app, db, table):
    space, people = table
    meeting = _dated(space, people, online=False)
    db.session.flush()
    url = f"/tables/rencontres/{meeting.id}"
    coord, bridge_member = _client(app, people["coord"]), _client(app, people["bridge_member"])
    assert "Rimouski" not in coord.get(url).get_data(as_text=True)
    assert coord.get(url + "/invitation.ics").status_code == 404
    assert coord.post(url + "/inscription", data={"people": "3"}).status_code == 303
    assert (
        bridge_member.post(url + "/inscription", data={"people": "2"}).status_code == 303
    )  # same organization
    assert bridge_member.post(url + "/inscription", data={"people": "0"}).status_code == 422
    rows = db.session.scalars(
        sa.select(MeetingRegistration).where(MeetingRegistration.meeting_id == meeting.id)
    ).all()
    assert [(r.organization_id, r.people) for r in rows] == [(people["coord"].organization_id, 2)]
    page = coord.get(url).get_data(as_text=True)
    assert "Rimouski" in page and "Pont Rencontre · 2 personnes" in page
    ics = coord.get(url + "/invitation.ics")
    assert (
        ics.status_code == 200
        and ics.mimetype == "text/calendar"
        and "LOCATION:Rimouski" in ics.get_data(as_text=True)
    )
    # The other organization's people still do not see the place.
    assert "Rimouski" not in _client(app, people["member"]).get(url).get_data(as_text=True)
    # Cancelling asks first, then the place is hidden again.
    assert "Annuler l’inscription de votre organisation" in coord.get(url + "/inscription/annuler").get_data(
        as_text=True
    )
    assert coord.post(url + "/inscription/annuler").status_code == 303
    assert db.session.scalar(sa.select(sa.func.count(MeetingRegistration.id))) == 0
    assert "Rimouski" not in coord.get(url).get_data(as_text=True)


def test_minutes_and_their_files(app, db, table):
    space, people = table
    meeting = _dated(space, people)
    meeting.starts_at = utcnow() - timedelta(days=1)
    db.session.flush()
    facilitator = _client(app, people["facilitator"])
    url = f"/tables/rencontres/{meeting.id}"
    assert (
        facilitator.post(url + "/compte-rendu", data={"minutes": "Décidé : une fiche commune."}).status_code
        == 303
    )
    assert {people["member"].id, people["coord"].id} <= _kinds(db, "space_minutes")
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    response = facilitator.post(
        url + "/pieces-jointes",
        data={"file": (BytesIO(pdf), "presentation.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    [attachment] = services.attachments(meeting)
    reader = _client(app, people["reader"])
    page = reader.get(url).get_data(as_text=True)
    assert "Décidé : une fiche commune." in page and "presentation.pdf" in page
    assert reader.get(f"{url}/pieces-jointes/{attachment.id}").data == pdf
    assert reader.post(f"{url}/pieces-jointes/{attachment.id}/supprimer").status_code == 404
    assert facilitator.post(f"{url}/pieces-jointes/{attachment.id}/supprimer").status_code == 303
    assert services.attachments(meeting) == []


def test_nothing_of_a_members_only_space_outside_it(app, db, table):
    space, people = table
    space.visibility = SpaceVisibility.MEMBERS
    meeting = _dated(space, people)
    poll = _dated(space, people, starts_at=None, slots=[utcnow() + timedelta(days=d) for d in (3, 4)])
    services.register(people["coord"], meeting, 2)
    db.session.flush()
    outsider = _client(app, people["reader"])
    for url in (
        f"/tables/rencontres/{meeting.id}",
        f"/tables/rencontres/{poll.id}",
        f"/tables/{space.id}/rencontres",
        f"/tables/{space.id}/rencontres/passees",
        f"/tables/rencontres/{meeting.id}/invitation.ics",
    ):
        response = outsider.get(url)
        assert response.status_code == 404 and CANARY not in response.get_data(as_text=True), url
    assert (
        outsider.post(f"/tables/rencontres/{meeting.id}/inscription", data={"people": "1"}).status_code == 404
    )
    assert people["reader"].id not in _kinds(db, "space_meeting")
    since = utcnow() - timedelta(days=1)
    assert feeds.digest_items(people["reader"], since) == []
    assert feeds.calendar_events(people["reader"], since) == []
    assert [i.title for i in feeds.digest_items(people["member"], since)] == [CANARY]


def test_the_personal_feed_holds_meetings_at_the_member_s_level(app, db, table, email_level):
    from intranet.trainings import services as trainings

    space, people = table
    meeting = _dated(space, people)
    member = people["bridge_member"]
    db.session.flush()
    body = trainings.feed_ics(member).decode()
    assert CANARY not in body  # not registered: not in the calendar
    services.register(people["coord"], meeting, 2)
    email_level("full", member)
    body = re.sub(r"\r?\n[ \t]", "", trainings.feed_ics(member).decode())
    assert f"SUMMARY:{CANARY}" in body and f"LOCATION:{LINK}" in body
    assert f"rencontre-{meeting.id}@" in body
    email_level("titles", member)
    body = re.sub(r"\r?\n[ \t]", "", trainings.feed_ics(member).decode())
    assert CANARY in body and "visio.example" not in body and "LOCATION:En ligne" in body
    email_level("discreet", member)
    body = re.sub(r"\r?\n[ \t]", "", trainings.feed_ics(member).decode())
    assert CANARY not in body and "LOCATION" not in body and "SUMMARY:Rendez-vous" in body
    # The facilitator has the meetings of the table in their feed, registered or not.
    assert [e.title for e in feeds.calendar_events(people["facilitator"], utcnow())] == [CANARY]


def test_notifications_stay_within_the_email_levels(app, db, table, email_level):
    """A meeting's notifications reach the digest as titles at most below "full", nothing at
    "discreet"; the place and the agenda are never in them."""
    from intranet.mail.privacy import Level
    from intranet.notifications.digests import EmailLinks, build_digest, present

    space, people = table
    _dated(space, people)
    db.session.flush()
    member = people["member"]
    digest = build_digest(member, None, utcnow() - timedelta(days=1), utcnow() + timedelta(minutes=1))
    links = EmailLinks(app)
    for level, shows_title in ((Level.FULL, True), (Level.TITLES, True), (Level.DISCREET, False)):
        shown = present(digest, links, level)
        text = " ".join(f"{i.title} {i.summary} {i.meta}" for s in shown for i in s.items)
        assert (CANARY in text) == shows_title, level
        assert "visio" not in text and "Accueil" not in text
        if level == Level.TITLES:
            assert "Table rencontre" not in text  # the space's name is a name: "full" only


def test_reminders_the_day_before_once_to_registered_organizations(db, table):
    space, people = table
    soon = _dated(space, people, starts_at=utcnow() + timedelta(hours=20))
    _dated(space, people, starts_at=utcnow() + timedelta(days=3))
    services.register(people["coord"], soon, 1)
    assert feeds.send_reminders() == 1
    assert feeds.send_reminders() == 0
    assert _kinds(db, "space_meeting_reminder") == {people["coord"].id, people["bridge_member"].id}


def test_the_meetings_pages_are_paginated(app, db, table):
    space, people = table
    for n in range(45):
        _dated(space, people, title=f"Rencontre {n:02d}", days=2 + n)
    for n in range(25):
        db.session.add(
            Meeting(space_id=space.id, title=f"Passée {n:02d}", starts_at=utcnow() - timedelta(days=3 + n))
        )
    db.session.flush()
    client = _client(app, people["member"])
    first = client.get(f"/tables/{space.id}/rencontres").get_data(as_text=True)
    assert "Rencontre 00" in first and "Rencontre 20" not in first and "Page 1 sur 3" in first
    third = client.get(f"/tables/{space.id}/rencontres?page=3").get_data(as_text=True)
    assert "Rencontre 44" in third and "Rencontre 39" not in third
    past = client.get(f"/tables/{space.id}/rencontres/passees?page=2").get_data(as_text=True)
    assert "Passée 24" in past and "Passée 00" not in past
    home = client.get(f"/tables/{space.id}").get_data(as_text=True)
    assert "Rencontre 02" in home and "Rencontre 03" not in home


def test_a_name_in_the_minutes_can_be_removed_for_good(app, db, table):
    from intranet.redaction import services as redaction

    space, people = table
    meeting = _dated(space, people)
    meeting.starts_at = utcnow() - timedelta(days=1)
    services.publish_minutes(people["facilitator"], meeting, "Présente : Nom-canari-R2. Décidé : une fiche.")
    db.session.flush()
    page = _client(app, people["facilitator"]).get(f"/tables/rencontres/{meeting.id}").get_data(as_text=True)
    assert "Retirer un passage" in page
    assert "Retirer un passage" not in _client(app, people["member"]).get(
        f"/tables/rencontres/{meeting.id}"
    ).get_data(as_text=True)
    redaction.redact(people["facilitator"], "space_meeting", meeting, "Nom-canari-R2")
    db.session.flush()
    stored = db.session.execute(
        sa.text("SELECT minutes FROM space_meeting WHERE id = :id"), {"id": meeting.id}
    ).scalar()
    assert "Nom-canari-R2" not in stored and "Décidé : une fiche." in stored


def test_pages_stay_within_budget_with_200_meetings_and_a_crowded_poll(app, db, table, make_user):
    import gzip

    space, people = table
    now = utcnow()
    meetings = [
        Meeting(
            space_id=space.id,
            title=f"Rencontre de la table n° {n}",
            agenda="1. Accueil\n2. Suivis",
            starts_at=now + timedelta(days=n - 100),
            minutes="Compte rendu." if n < 100 else "",
            minutes_published_at=now if n < 100 else None,
        )
        for n in range(200)
    ]
    db.session.add_all(meetings)
    poll = _dated(space, people, starts_at=None, slots=[now + timedelta(days=3 + d) for d in range(8)])
    slots = services.slots(poll)
    for n in range(120):
        person = make_user("member", org=people["member"].organization)
        db.session.add_all(
            PollAnswer(
                meeting_id=poll.id,
                slot_id=s.id,
                user_id=person.id,
                answer=("yes", "maybe", "no")[(n + i) % 3],
            )
            for i, s in enumerate(slots)
        )
    assert len(slots) == 8
    db.session.flush()
    client = _client(app, people["facilitator"])
    for url in (
        f"/tables/{space.id}",
        f"/tables/{space.id}/rencontres",
        f"/tables/{space.id}/rencontres/passees",
        f"/tables/{space.id}/rencontres/passees?page=5",
        f"/tables/rencontres/{poll.id}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert len(gzip.compress(response.get_data(), 6)) <= 14 * 1024, url
    assert "120 personnes ont répondu." in client.get(f"/tables/rencontres/{poll.id}").get_data(as_text=True)


def test_editing_a_meeting_moves_it_in_calendars(app, db, table):
    space, people = table
    meeting = _dated(space, people, online=False)
    db.session.flush()
    url = f"/tables/rencontres/{meeting.id}/modifier"
    assert _client(app, people["member"]).get(url).status_code == 404
    facilitator = _client(app, people["facilitator"])
    form = facilitator.get(url).get_data(as_text=True)
    assert 'value="Rimouski"' in form
    later = meeting.starts_at + timedelta(days=2)
    data = {
        "title": CANARY,
        "agenda": "1. Accueil",
        "starts_at": _local(later),
        "duration_minutes": "90",
        "format": "in_person",
        "town": "Matane",
    }
    assert facilitator.post(url, data=data).status_code == 303
    db.session.refresh(meeting)
    assert meeting.town == "Matane" and meeting.sequence == 1
    assert meeting.starts_at == later.replace(second=0, microsecond=0)
    assert people["coord"].id in _kinds(db, "space_meeting_date")
    assert facilitator.post(url, data={**data, "town": ""}).status_code == 422  # a place is needed


@pytest.mark.committed
def test_two_people_of_one_organization_at_the_same_moment_leave_one_registration(app, db, table):
    import threading

    space, people = table
    meeting = _dated(space, people)
    db.session.commit()
    meeting_id, ids = meeting.id, [people["coord"].id, people["bridge_member"].id]
    barrier, errors = threading.Barrier(2), []

    def register(user_id, count):
        try:
            with app.app_context():
                from intranet.accounts.models import User
                from intranet.database import write_intent
                from intranet.extensions import db as thread_db

                barrier.wait(timeout=10)
                write_intent()
                services.register(
                    thread_db.session.get(User, user_id), thread_db.session.get(Meeting, meeting_id), count
                )
                thread_db.session.commit()
                thread_db.session.remove()
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=register, args=(i, c)) for i, c in zip(ids, (2, 3), strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors, errors
    db.session.rollback()
    rows = db.session.scalars(
        sa.select(MeetingRegistration).where(MeetingRegistration.meeting_id == meeting_id)
    ).all()
    assert len(rows) == 1 and rows[0].people in (2, 3)


@pytest.mark.committed
def test_the_scheduler_runs_the_meeting_reminders(app, db, table):
    import importlib

    from jobs.scheduler import SCHEDULE

    [(path, queue, interval, _cron)] = [e for e in SCHEDULE if e[0] == "jobs.spaces.send_meeting_reminders"]
    assert interval and interval <= 3600  # often enough for "the day before"
    module, _, name = path.rpartition(".")
    job = getattr(importlib.import_module(module), name)
    space, people = table
    soon = _dated(space, people, starts_at=utcnow() + timedelta(hours=10))
    services.register(people["coord"], soon, 1)
    db.session.commit()
    assert job() == 1
    db.session.expire_all()
    assert people["coord"].id in _kinds(db, "space_meeting_reminder")
    assert db.session.get(Meeting, soon.id).reminded_at is not None
