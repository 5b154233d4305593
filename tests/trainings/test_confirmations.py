"""Cancelling a booking or leaving a waiting list asks first and says what will happen."""

from __future__ import annotations

from intranet.trainings.models import Registration, RegistrationStatus


def _registration(db, session_id, user_id) -> Registration:
    return db.session.query(Registration).filter_by(session_id=session_id, user_id=user_id).one()


def test_cancelling_a_booking_says_where_the_seat_goes_then_does_it(db, login_as, make_session):
    session = make_session(capacity=1)
    first, member = login_as("member")
    second, other = login_as("member")
    assert first.post(f"/formations/seances/{session.id}/inscription").status_code in (200, 303)
    assert second.post(f"/formations/seances/{session.id}/inscription").status_code in (200, 303)
    mine, theirs = _registration(db, session.id, member.id), _registration(db, session.id, other.id)
    assert (mine.status, theirs.status) == (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)

    # The booking box offers a button that asks, not one that acts.
    box = first.get(f"/formations/seances/{session.id}").get_data(as_text=True)
    assert (
        f'action="/formations/inscriptions/{mine.id}/annulation" data-confirm data-target="#booking"' in box
    )
    url = f"/formations/inscriptions/{mine.id}/annulation"
    asked = first.get(url).get_data(as_text=True)
    assert "Annuler votre inscription ?" in asked
    assert "Votre place ira à la première personne de la liste d’attente." in asked
    db.session.refresh(mine)
    assert mine.status == RegistrationStatus.CONFIRMED  # asking changed nothing

    # Leaving the waiting list says what is lost.
    left = second.get(f"/formations/inscriptions/{theirs.id}/annulation").get_data(as_text=True)
    assert "Quitter la liste d’attente ?" in left and "position (1)" in left

    # The dialog's fragment is the same confirmation without the page around it.
    fragment = first.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "Votre place ira" in fragment

    assert first.post(url, data={"back": "mine"}).status_code == 303
    db.session.refresh(mine)
    db.session.refresh(theirs)
    assert mine.status == RegistrationStatus.CANCELLED and theirs.status == RegistrationStatus.CONFIRMED


def test_cancelling_a_session_asks_for_the_reason_on_the_confirmation(db, login_as, make_session):
    session = make_session()
    staff, _ = login_as("staff")
    page = staff.get(f"/formations/gestion/seances/{session.id}/annulation").get_data(as_text=True)
    assert "Annuler la séance ?" in page and 'name="reason"' in page
    too_long = staff.post(f"/formations/gestion/seances/{session.id}/annulation", data={"reason": "x" * 600})
    assert too_long.status_code == 422 and "Annuler la séance ?" in too_long.get_data(as_text=True)
    db.session.refresh(session)
    assert not session.is_cancelled
    done = staff.post(
        f"/formations/gestion/seances/{session.id}/annulation", data={"reason": "Formatrice malade"}
    )
    assert done.status_code == 303
    db.session.refresh(session)
    assert session.is_cancelled
