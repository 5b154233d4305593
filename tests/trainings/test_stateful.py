"""A stateful property test: book, cancel, raise or lower the capacity in any order; after every
step the seats never exceed the capacity, a free seat never coexists with a waiting list, the line
keeps the order people joined it, and nobody holds two places."""

from __future__ import annotations

import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from intranet.trainings import services
from intranet.trainings.models import Registration, RegistrationStatus

CONFIRMED, WAITING = RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING


def test_booking_state_machine(db, make_user, make_session):
    staff = make_user("staff")
    people = [make_user() for _ in range(8)]

    class Booking(RuleBasedStateMachine):
        @initialize(capacity=st.integers(1, 4))
        def start(self, capacity):
            self.session = make_session(capacity=capacity)
            self.joined: list[int] = []  # the order people asked for a place (model of the line)

        @rule(who=st.integers(0, len(people) - 1))
        def book(self, who):
            person = people[who]
            existing = services.registration_of(self.session.id, person.id)
            active = existing is not None and existing.status != RegistrationStatus.CANCELLED
            try:
                services.register(person, self.session, person)
            except services.AlreadyRegistered:
                assert active
                return
            assert not active
            self.joined.append(person.id)

        @rule(who=st.integers(0, len(people) - 1))
        def cancel(self, who):
            person = people[who]
            registration = services.registration_of(self.session.id, person.id)
            if registration is None or registration.status == RegistrationStatus.CANCELLED:
                return
            before = [r.user_id for r in services.waiting_list(self.session.id)]
            promoted = services.cancel_registration(person, registration)
            if registration.status == RegistrationStatus.CANCELLED and promoted:
                assert [r.user_id for r in promoted] == [u for u in before if u != person.id][: len(promoted)]
            self.joined.remove(person.id)

        @rule(delta=st.integers(1, 3))
        def raise_capacity(self, delta):
            before = [r.user_id for r in services.waiting_list(self.session.id)]
            promoted = services.set_capacity(staff, self.session, self.session.capacity + delta)
            assert [r.user_id for r in promoted] == before[: min(delta, len(before))]

        @precondition(lambda self: self.session.capacity > 1)
        @rule(delta=st.integers(1, 3))
        def lower_capacity(self, delta):
            target = max(self.session.capacity - delta, 1)
            confirmed = services.counts(self.session.id)["confirmed"]
            try:
                services.set_capacity(staff, self.session, target)
            except services.TrainingError:
                assert target < confirmed
            else:
                assert target >= confirmed

        @invariant()
        def seats_and_line(self):
            rows = db.session.scalars(
                sa.select(Registration).where(Registration.session_id == self.session.id)
            ).all()
            confirmed = [r for r in rows if r.status == CONFIRMED]
            waiting = services.waiting_list(self.session.id)
            assert len(confirmed) <= self.session.capacity
            if waiting:
                assert len(confirmed) == self.session.capacity
            assert len({r.user_id for r in rows}) == len(rows)
            # The line keeps the order people joined it, positions 1..W without gaps.
            order = {uid: i for i, uid in enumerate(self.joined)}
            assert [r.user_id for r in waiting] == sorted((r.user_id for r in waiting), key=order.__getitem__)
            assert [services.position(r) for r in waiting] == list(range(1, len(waiting) + 1))
            assert {r.user_id for r in confirmed} | {r.user_id for r in waiting} == set(self.joined)

    run_state_machine_as_test(
        Booking,
        settings=settings(
            max_examples=25,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
