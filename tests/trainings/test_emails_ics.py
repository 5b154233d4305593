"""Emails received by the loopback SMTP server, .ics invitations parsed back, the personal feed,
and reminders sent exactly once."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest

from intranet.database import utcnow
from intranet.trainings import services
from jobs import trainings as training_jobs


def _ics(message) -> icalendar.Calendar:
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "seance.ics"
    # RFC 5545 §3.1.4: text/calendar is UTF-8 by default (Python's email would assume ASCII).
    return icalendar.Calendar.from_ical(part.get_payload(decode=True).decode("utf-8"))


def _event(cal):
    [event] = cal.walk("VEVENT")
    return event


def test_confirmation_email_carries_an_invitation_that_parses_back(
    db, make_user, make_session, run_jobs, smtp, email_level
):
    session = make_session(capacity=5)
    person = make_user(email="lea@essai.example")
    email_level("full", person)  # the room is named only at "full" (issue 9)
    services.register(person, session, person)
    db.session.commit()
    run_jobs()
    [message] = smtp.wait_for(1)
    assert message["To"] == "lea@essai.example"
    assert "Inscription confirmée" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert "Salle Les Pins" in body and "Sherbrooke" in body
    cal = _ics(message)
    assert str(cal["METHOD"]) == "REQUEST"
    event = _event(cal)
    assert event.decoded("DTSTART") == session.starts_at
    assert event.decoded("DTEND") == session.ends_at
    assert str(event["UID"]).startswith(f"seance-{session.id}@")
    assert "Salle Les Pins" in str(event["LOCATION"])
    assert str(event["SUMMARY"]) == session.training.title


def test_waiting_then_promoted_emails(db, make_user, make_session, run_jobs, smtp):
    session = make_session(capacity=1)
    first, second = (
        make_user(email="premiere@essai.example"),
        make_user(email="seconde@essai.example", locale="en"),
    )
    seat = services.register(first, session, first)
    services.register(second, session, second)
    db.session.commit()
    run_jobs()
    smtp.wait_for(2)
    waiting = [m for m in smtp.messages if m["To"] == "seconde@essai.example"][0]
    assert "waiting list" in waiting["Subject"]  # in her language
    assert "position 1" in waiting.get_body(("plain",)).get_content()
    assert not list(waiting.iter_attachments())  # no invitation without a seat
    smtp.clear()
    services.cancel_registration(first, seat)
    db.session.commit()
    run_jobs()
    messages = smtp.wait_for(2)
    promoted = [m for m in messages if m["To"] == "seconde@essai.example"][0]
    assert "A seat" in promoted["Subject"] and session.training.title not in promoted["Subject"]
    assert _event(_ics(promoted)).decoded("DTSTART") == session.starts_at
    cancelled = [m for m in messages if m["To"] == "premiere@essai.example"][0]
    assert str(_ics(cancelled)["METHOD"]) == "CANCEL"


def test_staff_cancelling_a_session_emails_everyone_registered_and_waiting(
    db, make_user, make_session, login_as, run_jobs, smtp, email_level
):
    email_level("full")  # the reason given is free text: shown at "full" only
    session = make_session(capacity=1)
    a, b = make_user(email="a@essai.example"), make_user(email="b@essai.example")
    services.register(a, session, a)
    services.register(b, session, b)
    db.session.commit()
    run_jobs()
    smtp.wait_for(2)
    smtp.clear()
    staff_client, _ = login_as("staff")
    response = staff_client.post(
        f"/formations/gestion/seances/{session.id}/annulation", data={"reason": "Tempête de neige annoncée"}
    )
    assert response.status_code == 303
    run_jobs()
    messages = {m["To"]: m for m in smtp.wait_for(2)}
    assert set(messages) == {"a@essai.example", "b@essai.example"}
    for message in messages.values():
        assert "Rendez-vous annulé" in message["Subject"]
        assert "Tempête de neige annoncée" in message.get_body(("plain",)).get_content()
    event = _event(_ics(messages["a@essai.example"]))
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1


def test_personal_feed_lists_confirmed_sessions_and_its_secret_can_be_renewed(
    db, login_as, make_session, make_training, email_level
):
    client, member = login_as("member")
    email_level("full", member)
    mine = make_session(training=make_training("Ma séance"))
    full = make_session(capacity=1, training=make_training("Séance complète"))
    services.register(member, mine, member)
    other_client, other = login_as("member")
    services.register(other, full, other)
    services.register(member, full, member)  # waiting: not in the feed
    page = client.get("/formations/mes-formations").get_data(as_text=True)
    url = page.split('id="feed-url" type="url" readonly value="')[1].split('"')[0]
    path = url.split("localhost", 1)[1]
    anonymous = client.application.test_client()
    response = anonymous.get(path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    cal = icalendar.Calendar.from_ical(response.data)
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == ["Ma séance"]
    assert "Salle Les Pins" in str(cal.walk("VEVENT")[0]["LOCATION"])
    assert client.post("/formations/mes-formations/agenda").status_code == 303
    assert anonymous.get(path).status_code == 404
    assert anonymous.get("/formations/agenda/pas-un-jeton.ics").status_code == 404


def test_reminders_go_two_days_before_exactly_once(db, make_user, make_session, run_jobs, smtp):
    soon = make_session(starts_in=timedelta(days=1, hours=20))
    later = make_session(starts_in=timedelta(days=6))
    early, late_comer, not_yet = (
        make_user(email="tot@essai.example"),
        make_user(email="tard@essai.example"),
        make_user(),
    )
    services.register(early, soon, early)
    services.register(not_yet, later, not_yet)
    services.register(late_comer, soon, late_comer)
    # The first booked well before the two-day window; the second only now (just confirmed: no reminder).
    services.registration_of(soon.id, early.id).confirmed_at = utcnow() - timedelta(days=5)
    db.session.commit()
    run_jobs()
    smtp.wait_for(3)
    smtp.clear()
    assert training_jobs.send_due_reminders() == 1
    assert training_jobs.send_due_reminders() == 0
    run_jobs()
    [message] = smtp.wait_for(1)
    assert message["To"] == "tot@essai.example" and "Rappel" in message["Subject"]
    assert _event(_ics(message)).decoded("DTSTART") == soon.starts_at


@pytest.mark.parametrize(
    "locale,expected", [("fr", "Inscription confirmée"), ("en", "Registration confirmed")]
)
def test_email_language_follows_the_person(db, make_user, make_session, locale, expected):
    from intranet.mail.models import OutboxMessage

    person = make_user(locale=locale)
    services.register(person, make_session(), person)
    subject = db.session.query(OutboxMessage).filter_by(user_id=person.id).one().subject
    assert subject.startswith(expected)
