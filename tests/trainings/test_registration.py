"""Seats, the waiting list and its order, deadlines, eligibility: the rules of the service."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from intranet import events
from intranet.database import utcnow
from intranet.mail.models import OutboxMessage
from intranet.trainings import services
from intranet.trainings.models import Registration, RegistrationStatus

CONFIRMED, WAITING, CANCELLED = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITING,
    RegistrationStatus.CANCELLED,
)


@pytest.fixture
def notified():
    received = []

    def listener(sender, **kwargs):
        received.append(kwargs)

    events.notify.connect(listener)
    yield received
    events.notify.disconnect(listener)


def _kinds(db, user):
    return [
        m.kind
        for m in db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.user_id == user.id).order_by(OutboxMessage.id)
        )
    ]


def test_a_full_session_puts_people_on_the_waiting_list_in_order(db, make_user, make_session):
    session = make_session(capacity=2)
    people = [make_user() for _ in range(5)]
    regs = [services.register(p, session, p) for p in people]
    assert [r.status for r in regs] == [CONFIRMED, CONFIRMED, WAITING, WAITING, WAITING]
    assert [services.position(r) for r in regs] == [None, None, 1, 2, 3]
    assert services.counts(session.id) == {"confirmed": 2, "waiting": 3, "cancelled": 0}
    assert _kinds(db, people[0]) == ["training_confirmed"]
    assert _kinds(db, people[2]) == ["training_waiting"]


def test_a_freed_seat_goes_to_the_first_in_line_who_is_emailed_and_notified(
    db, make_user, make_session, notified
):
    session = make_session(capacity=1)
    first, second, third = make_user(), make_user(), make_user()
    seat = services.register(first, session, first)
    services.register(second, session, second)
    services.register(third, session, third)

    promoted = services.cancel_registration(first, seat)

    assert [r.user_id for r in promoted] == [second.id]
    assert services.registration_of(session.id, second.id).status == CONFIRMED
    third_reg = services.registration_of(session.id, third.id)
    assert services.position(third_reg) == 1
    assert _kinds(db, second) == ["training_waiting", "training_promoted"]
    assert _kinds(db, first) == ["training_confirmed", "training_registration_cancelled"]
    assert [(n["kind"], n["user_ids"]) for n in notified] == [("waitlist_promoted", [second.id])]
    assert notified[0]["endpoint"] == "trainings.session" and notified[0]["values"] == {
        "session_id": session.id
    }


def test_promotion_follows_the_order_of_the_waiting_list(db, make_user, make_session, make_user_staff=None):
    session = make_session(capacity=2)
    staff = make_user("staff")
    seated = [make_user() for _ in range(2)]
    waiting = [make_user() for _ in range(4)]
    regs = {p.id: services.register(p, session, p) for p in seated + waiting}
    # The second in line leaves the list: the others move up, order kept.
    services.cancel_registration(waiting[1], regs[waiting[1].id])
    assert [services.position(regs[p.id]) for p in (waiting[0], waiting[2], waiting[3])] == [1, 2, 3]
    # One seat freed: the first in line. Capacity raised by two: the next two, in order.
    assert [r.user_id for r in services.cancel_registration(seated[0], regs[seated[0].id])] == [waiting[0].id]
    promoted = services.set_capacity(staff, session, 4)
    assert [r.user_id for r in promoted] == [waiting[2].id, waiting[3].id]
    assert services.waiting_list(session.id) == []


def test_no_duplicate_registration_and_a_second_try_goes_to_the_end_of_the_line(db, make_user, make_session):
    session = make_session(capacity=1)
    a, b, c = make_user(), make_user(), make_user()
    services.register(a, session, a)
    reg_b = services.register(b, session, b)
    with pytest.raises(services.AlreadyRegistered):
        services.register(b, session, b)
    services.register(c, session, c)
    services.cancel_registration(b, reg_b)
    again = services.register(b, session, b)
    assert again.id == reg_b.id  # the same row, reused
    assert services.position(again) == 2
    rows = db.session.scalar(
        sa.select(sa.func.count()).select_from(Registration).where(Registration.session_id == session.id)
    )
    assert rows == 3


def test_deadlines_and_opening(db, make_user, make_session):
    member, staff = make_user(), make_user("staff")
    closed = make_session(starts_in=timedelta(days=2), deadline_before=timedelta(days=3))
    with pytest.raises(services.TrainingError, match="date limite"):
        services.register(member, closed, member)
    later = make_session(registration_opens_at=utcnow() + timedelta(days=1))
    with pytest.raises(services.TrainingError, match="pas encore ouvertes"):
        services.register(member, later, member)

    session = make_session(starts_in=timedelta(days=5), deadline_before=timedelta(days=2))
    reg = services.register(member, session, member)
    after_deadline = utcnow() + timedelta(days=4)
    with pytest.raises(services.TrainingError, match="annulation est passée"):
        services.cancel_registration(member, reg, now=after_deadline)
    # Staff can still free the seat after the deadline, not after the start.
    with pytest.raises(services.TrainingError, match="déjà eu lieu"):
        services.cancel_registration(staff, reg, now=utcnow() + timedelta(days=6))
    services.cancel_registration(staff, reg, now=after_deadline)
    assert reg.status == CANCELLED


def test_restriction_to_sectors_and_roles(db, make_user, make_org, make_session):
    from intranet.accounts.models import Sector

    bridging = make_org(sector=Sector.IMMIGRATION)
    shelter = make_org(sector=Sector.SHELTER)
    session = make_session(allowed_sectors=["immigration", "violence"], allowed_roles=["coordinator"])
    ok = make_user("coordinator", org=bridging)
    wrong_sector = make_user("coordinator", org=shelter)
    wrong_role = make_user("member", org=bridging)
    assert services.register(ok, session, ok).status == CONFIRMED
    for person in (wrong_sector, wrong_role):
        with pytest.raises(services.TrainingError, match="réservée"):
            services.register(person, session, person)


def test_capacity_cannot_drop_below_the_seats_given(db, make_user, make_session):
    session = make_session(capacity=3)
    staff = make_user("staff")
    for _ in range(2):
        p = make_user()
        services.register(p, session, p)
    with pytest.raises(services.TrainingError, match="capacité"):
        services.set_capacity(staff, session, 1)
    services.set_capacity(staff, session, 2)
    assert session.capacity == 2
    late = make_user()
    assert services.register(late, session, late).status == WAITING


def test_cancelled_session_refuses_registration_and_tells_everyone(db, make_user, make_session, notified):
    session = make_session(capacity=1)
    staff = make_user("staff")
    a, b = make_user(), make_user()
    services.register(a, session, a)
    services.register(b, session, b)
    assert services.cancel_session(staff, session, "Formatrice malade") == 2
    assert (
        _kinds(db, a)[-1] == "training_session_cancelled"
        and _kinds(db, b)[-1] == "training_session_cancelled"
    )
    assert notified[-1]["kind"] == "training_cancelled" and sorted(notified[-1]["user_ids"]) == sorted(
        [a.id, b.id]
    )
    c = make_user()
    with pytest.raises(services.TrainingError, match="annulée"):
        services.register(c, session, c)


def test_digest_source_offers_open_sessions_of_the_members_region_first(
    db, make_user, make_org, make_session
):
    org = make_org(region="Outaouais", town="Gatineau")
    member = make_user(org=org)
    far = make_session(starts_in=timedelta(days=3), region="Estrie")
    near = make_session(starts_in=timedelta(days=9), region="Outaouais", town="Gatineau")
    full = make_session(capacity=1, starts_in=timedelta(days=4), region="Outaouais")
    other = make_user()
    services.register(other, full, other)
    items = services.digest_items(member, utcnow() - timedelta(days=1))
    ids = [i.values["session_id"] for i in items]
    assert ids[:2] == [near.id, far.id]
    assert full.id not in ids
    assert all(i.endpoint == "trainings.session" for i in items)
