"""A seat is never sold twice: many people booking the same session at the same instant, from
several threads (each with its own connection and transaction) and from several server processes.

The negative control switches the service's locking off and shows that the same test then
catches the race (seats oversold on PostgreSQL, "database is locked" failures on SQLite).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from intranet.trainings import services
from intranet.trainings.models import Registration, RegistrationStatus
from tests.conftest import TEST_PASSWORD


@dataclass
class Outcome:
    confirmed: int
    waiting: int
    errors: int
    rows: int
    people: int

    def holds(self, n: int, capacity: int) -> bool:
        return (
            self.confirmed == capacity
            and self.waiting == n - capacity
            and self.errors == 0
            and self.rows == n == self.people
        )


def _outcome(db, session_id: int, errors: int) -> Outcome:
    db.session.rollback()
    rows = db.session.execute(
        sa.select(Registration.status, sa.func.count(), sa.func.count(sa.distinct(Registration.user_id)))
        .where(Registration.session_id == session_id)
        .group_by(Registration.status)
    ).all()
    by = {status: (n, people) for status, n, people in rows}
    return Outcome(
        confirmed=by.get(RegistrationStatus.CONFIRMED, (0, 0))[0],
        waiting=by.get(RegistrationStatus.WAITING, (0, 0))[0],
        errors=errors,
        rows=sum(n for n, _p in by.values()),
        people=sum(p for _n, p in by.values()),
    )


def _book_from_threads(app, db, make_user, make_session, n: int, capacity: int) -> Outcome:
    from intranet.accounts.models import User
    from intranet.trainings.models import TrainingSession

    session = make_session(capacity=capacity)
    user_ids = [make_user().id for _ in range(n)]
    session_id = session.id
    db.session.commit()
    barrier = threading.Barrier(n)
    errors: list[BaseException] = []

    def book(user_id: int) -> None:
        with app.app_context():
            from intranet.extensions import db as _db

            try:
                barrier.wait()
                services.begin_booking()
                person = _db.session.get(User, user_id)
                target = _db.session.get(TrainingSession, session_id)
                services.register(person, target, person)
                _db.session.commit()
            except Exception as exc:  # counted: a failure is what the property forbids
                errors.append(exc)
                _db.session.rollback()
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=book, args=(uid,)) for uid in user_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return _outcome(db, session_id, len(errors))


@pytest.mark.committed
def test_concurrent_bookings_give_exactly_the_capacity_and_queue_the_rest(app, db, make_user, make_session):
    n, capacity = 40, 7
    outcome = _book_from_threads(app, db, make_user, make_session, n, capacity)
    assert outcome.holds(n, capacity), outcome
    # The waiting list is a proper line: positions 1..N-C, no gaps, no ties.
    waiting = services.waiting_list(
        db.session.scalar(
            sa.select(Registration.session_id)
            .where(Registration.status == RegistrationStatus.WAITING)
            .limit(1)
        )
    )
    assert [services.position(r) for r in waiting] == list(range(1, n - capacity + 1))


@pytest.mark.committed
def test_negative_control_without_locking_the_same_test_catches_the_race(
    app, db, make_user, make_session, monkeypatch
):
    monkeypatch.setattr(services.booking, "LOCKING", False)  # where booking reads it
    n, capacity = 40, 7
    # A race needs the requests to overlap; a few rounds make the control dependable.
    outcomes = []
    for _ in range(5):
        outcome = _book_from_threads(app, db, make_user, make_session, n, capacity)
        outcomes.append(outcome)
        if not outcome.holds(n, capacity):
            break
    print("negative control:", outcomes)
    assert not outcomes[-1].holds(n, capacity), f"no race detected without locking: {outcomes}"
    bad = outcomes[-1]
    assert bad.confirmed > capacity or bad.errors > 0 or bad.rows != n


@pytest.mark.committed
def test_concurrent_bookings_through_gunicorn_with_three_workers(app, db, make_user, make_session, tmp_path):
    from tests.trainings import http_load

    n, capacity = 24, 5
    session = make_session(capacity=capacity)
    emails = [make_user().email for _ in range(n)]
    session_id = session.id
    db.session.commit()
    env = http_load.server_env(
        database_url=app.config["SQLALCHEMY_DATABASE_URI"],
        redis_url=app.config["REDIS_URL"],
        secret_key=app.config["SECRET_KEY"],
        instance_path=app.instance_path,
    )
    server = http_load.Gunicorn(env, workers=3)
    try:
        page = f"/formations/seances/{session_id}"
        clients = http_load.sign_in_all(server.base_url, emails, TEST_PASSWORD, page)
        result = http_load.burst(server.base_url, clients, f"{page}/inscription")
    finally:
        server.stop()
    assert result.server_errors == 0, result.statuses
    assert set(result.statuses) == {303}, result.statuses
    outcome = _outcome(db, session_id, result.server_errors)
    assert outcome.holds(n, capacity), outcome
