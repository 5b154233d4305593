"""One path for all email: SMTP or Redis down for a while loses nothing and sends nothing twice."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
import redis
import sqlalchemy as sa
from redis.backoff import NoBackoff
from redis.retry import Retry

from intranet.database import utcnow
from intranet.mail.models import MailStatus, OutboxMessage
from intranet.mail.services import queue_email
from intranet.notifications import digests
from jobs.email import flush_outbox
from tests.notifications.conftest import digests_for
from tests.support import free_port


def _time_passes(db) -> None:
    """The backoff delay elapses (rather than the test sleeping through it)."""
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.status == MailStatus.PENDING)
        .values(next_attempt_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()


def _invite(db, user):
    queue_email(
        to=user.email,
        kind="invitation",
        template="invitation",
        user_id=user.id,
        link="http://passerelle.test/invitation/x",
        user_name=user.name,
        inviter_name="Équipe",
        organization_name="Maison d’essai",
    )
    db.session.commit()


def test_smtp_down_then_up_delivers_every_digest_and_email_once(
    db, make_org, make_user, sources, smtp, run_jobs
):
    practices = sources.add()
    org = make_org()
    members = [make_user(org=org) for _ in range(4)]
    practices.add("Nouveauté", org)
    db.session.commit()

    smtp.stop()
    try:
        counts = digests.send_batch("w2026-W48", [m.id for m in members], chunk_size=2)
        _invite(db, members[0])
        run_jobs()  # the invitation's own delivery job fails too
    finally:
        smtp.restart()
    assert counts["queued"] == 4 and counts["sent"] == 0
    rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert {r.status for r in rows} == {MailStatus.PENDING}
    # Every attempted message says why it is still waiting; the others were never tried.
    assert all(bool(r.last_error) == (r.attempts > 0) for r in rows)
    # The batch noticed the server was down and left the rest to the catch-up at once.
    assert sorted(r.attempts for r in rows) == [0, 0, 1, 1, 1]

    # The scheduler's catch-up: nothing before the backoff delay, everything after it, once.
    assert flush_outbox()["sent"] == 2  # the two never attempted
    _time_passes(db)
    assert flush_outbox()["sent"] == 3
    assert flush_outbox()["sent"] == 0
    # A retried batch changes nothing.
    assert digests.send_batch("w2026-W48", [m.id for m in members])["queued"] == 0
    received = Counter((m["To"], m["Subject"]) for m in smtp.messages)
    assert len(received) == 5 and set(received.values()) == {1}
    for member in members:
        assert len(digests_for(smtp, member.email)) == 1


def test_redis_down_then_up_the_outbox_catches_up(app, db, make_user, smtp, run_jobs):
    member = make_user()
    db.session.commit()
    real = app.extensions["passerelle_redis"]
    app.extensions["passerelle_redis"] = redis.Redis(
        host="127.0.0.1", port=free_port(), socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0)
    )
    try:
        _invite(db, member)  # committed; enqueueing its delivery fails and is logged
    finally:
        app.extensions["passerelle_redis"] = real
    assert run_jobs() == 0 and smtp.messages == []
    row = db.session.scalar(sa.select(OutboxMessage))
    assert row.status == MailStatus.PENDING

    # Redis is back: the scheduler's periodic flush, run by a real worker, sends it once.
    from intranet.queue import get_queue

    get_queue("email").enqueue("jobs.email.flush_outbox")
    get_queue("email").enqueue("jobs.email.flush_outbox")  # fired twice: still once
    run_jobs()
    [message] = smtp.wait_for(1)
    assert message["To"] == member.email
    db.session.expire_all()
    assert db.session.get(OutboxMessage, row.id).status == MailStatus.SENT


def test_a_refused_address_is_flagged_for_the_administrator_not_retried(
    db, make_user, login_as, smtp, run_jobs
):
    gone = make_user(email="partie@essai.example")
    smtp.handler.refuse.add(gone.email)
    _invite(db, gone)
    run_jobs()
    row = db.session.scalar(sa.select(OutboxMessage))
    assert row.status == MailStatus.REFUSED and "550" in row.last_error and row.attempts == 0
    _time_passes(db)
    assert flush_outbox() == {"sent": 0, "retry": 0, "refused": 0, "failed": 0}
    admin_client, _admin = login_as("admin")
    page = admin_client.get("/gestion/taches").get_data(as_text=True)
    assert "partie@essai.example" in page and "550" in page


@pytest.mark.committed
def test_two_workers_on_the_same_batch_at_once_send_once(app, db, make_org, make_user, sources, smtp):
    """A doubled schedule where both copies run at the same moment, each with its own connection."""
    practices = sources.add()
    org = make_org()
    ids = [make_user(org=org).id for _ in range(12)]
    practices.add("Nouveauté", org)
    db.session.commit()
    results, errors = [], []
    barrier = threading.Barrier(2)

    def run():
        try:
            with app.app_context():
                from intranet.extensions import db as thread_db

                barrier.wait(timeout=10)
                results.append(digests.send_batch("w2026-W48", ids, chunk_size=3))
                thread_db.session.remove()
        except Exception as exc:  # reported below, the test fails on it
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sum(r["queued"] for r in results) == 12
    assert Counter(m["To"] for m in smtp.wait_for(12)).most_common(1)[0][1] == 1
