"""Every GET route of every role answers while another connection holds SQLite's write lock.

A GET that writes must begin its transaction with the write intent (``@writes``: it then waits for
the lock) or write in a short transaction of its own (``separate_write()``); one that reads and then
writes in the same read transaction cannot wait on SQLite and would answer 500 "database is locked".
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from intranet.database import UndeclaredWrite, read_intent, separate_write, write_intent
from tests.robustness.lock import WriteLockHolder
from tests.security import world

# One account of each role (the other organizations' accounts have the same roles).
ROLES = ("anonymous", "member", "coordinator", "staff", "admin", "partner")
# Routes that end the visitor's session: tried by anonymous visitors only.
SESSION_ENDING = {"accounts.quick_exit", "accounts.logout"}


def _sqlite_only(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock; PostgreSQL locks rows")


@pytest.mark.committed
def test_every_get_route_answers_while_another_connection_writes(app, db):
    _sqlite_only(db)
    org_id, _canaries, clients = world.demo_world(app)
    db.session.commit()
    path = db.engine.url.database
    failures, tried = [], 0
    for route in world.routes(app, org_id):
        if "GET" not in route.methods:
            continue
        for role in ROLES:
            if route.endpoint in SESSION_ENDING and role != "anonymous":
                continue
            for url in route.urls.values():
                tried += 1
                with WriteLockHolder(path, hold=0.3):
                    try:
                        response = clients[role].get(url)
                    except Exception as exc:  # the test app propagates what would be a 500
                        db.session.rollback()
                        failures.append(
                            f"{role} GET {url} ({route.endpoint}): {type(exc).__name__}: {exc}"[:300]
                        )
                        continue
                if response.status_code >= 500:
                    failures.append(f"{role} GET {url} ({route.endpoint}): {response.status_code}")
    # Last, what ends each session: the quick exit, a GET that deletes the session's record.
    for role in ROLES[1:]:
        with WriteLockHolder(path, hold=0.3):
            response = clients[role].get("/sortie")
        assert response.status_code == 303, role
        # Signed out indeed: right after the exit, the browser is sent to the neutral site.
        after = clients[role].get("/compte")
        assert after.status_code == 303 and "/compte" not in after.headers["Location"], role
    assert tried > 300
    assert not failures, "\n".join(failures)


@pytest.mark.committed
def test_the_lock_holder_defeats_a_read_then_write_and_the_write_intent_waits_for_it(app, db):
    """The control: what the walk above relies on. A read transaction that then writes fails at
    once while the other connection writes; a transaction begun with the write intent waits."""
    _sqlite_only(db)
    from intranet.accounts.models import Region

    db.session.add(Region(name="Estrie", slug="estrie"))
    db.session.commit()
    path = db.engine.url.database
    read_intent()
    with WriteLockHolder(path, hold=0.3):
        db.session.scalar(sa.select(Region.id))
        with pytest.raises(sa.exc.OperationalError, match="locked"):
            db.session.execute(sa.update(Region).values(name="Estrie"))
    db.session.rollback()
    with WriteLockHolder(path, hold=0.3):
        write_intent()
        db.session.scalar(sa.select(Region.id))
        db.session.execute(sa.update(Region).values(name="Estrie (2)"))
        db.session.commit()
        read_intent()
    with WriteLockHolder(path, hold=0.3), app.test_request_context():
        db.session.scalar(sa.select(Region.id))
        with separate_write():
            db.session.execute(sa.update(Region).values(name="Estrie (3)"))
    assert db.session.scalar(sa.select(Region.name)) == "Estrie (3)"


def test_a_get_that_writes_without_declaring_it_is_refused(app, db, login_as, monkeypatch):
    """The same rule, on every engine and without contention: in development and tests a read
    request that writes raises at once, naming the view (production logs it)."""
    from intranet.trainings import services
    from intranet.trainings.models import CalendarFeed

    client, _user = login_as("member")

    def careless_feed_for(user, create=True):  # makes the feed on every visit, in the GET's transaction
        feed = CalendarFeed(user_id=user.id)
        db.session.add(feed)
        db.session.flush()
        return feed

    monkeypatch.setattr(services, "feed_for", careless_feed_for)
    with pytest.raises(UndeclaredWrite, match="trainings.mine"):
        client.get("/formations/mes-formations")
