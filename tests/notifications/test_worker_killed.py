"""Exactly once with real processes: a worker killed in the middle of a batch, then restarted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from intranet.mail.models import MailStatus, OutboxMessage
from intranet.notifications.models import DigestDelivery
from tests.support import wait_until

ROOT = Path(__file__).resolve().parents[2]
MONDAY_NOON = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)


def _env(app, marker: Path, burst: bool) -> dict[str, str]:
    cfg = app.config
    env = dict(os.environ)
    env.update(
        {
            "PASSERELLE_ENV": "testing",
            "SECRET_KEY": cfg["SECRET_KEY"],
            "DATABASE_URL": cfg["SQLALCHEMY_DATABASE_URI"],
            "REDIS_URL": cfg["REDIS_URL"],
            "PASSERELLE_MAIL_BACKEND": "smtp",
            "PASSERELLE_MAIL_SERVER": cfg["MAIL_SERVER"],
            "PASSERELLE_MAIL_PORT": str(cfg["MAIL_PORT"]),
            "PASSERELLE_SERVER_NAME_FOR_EMAIL": cfg["SERVER_NAME_FOR_EMAIL"],
            "PASSERELLE_DIGEST_CHUNK_SIZE": "5",
            "NOTIF_TEST_MARKER": str(marker),
            "NOTIF_TEST_WORKER_ARGS": "--burst" if burst else "",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def _start(app, marker: Path, burst: bool) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.notifications.slow_worker"],
        cwd=ROOT,
        env=_env(app, marker, burst),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the worker and its work horse
    )


def _kill(proc: subprocess.Popen) -> None:
    """SIGKILL the worker and its work horse (RQ puts the horse in a session of its own)."""
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    horses = [int(pid) for pid in children.read_text().split()] if children.exists() else []
    for pid in [*horses, proc.pid]:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait(timeout=10)


@pytest.mark.committed
def test_a_worker_killed_mid_batch_then_restarted_sends_each_digest_once(
    app, db, make_org, make_user, smtp, tmp_path
):
    from jobs.email import flush_outbox
    from jobs.notifications import plan_digests

    org = make_org()
    members = [make_user(org=org, email=f"membre{i:02d}@essai.example") for i in range(30)]
    members[11].email = "lent-membre11@essai.example"
    db.session.commit()
    emails = [m.email for m in members]
    marker = tmp_path / "killed-here"

    assert plan_digests(MONDAY_NOON.isoformat())["members"] == 30
    first = _start(app, marker, burst=False)
    try:
        wait_until(marker.exists, timeout=90, what="the worker to reach the slow member")
        # Chunks of 5: the first two chunks are committed and sent; the third is being rendered.
        smtp.wait_for(10, timeout=30)
    finally:
        _kill(first)
    assert len(smtp.messages) == 10
    db.session.remove()
    assert db.session.scalar(sa.select(sa.func.count(DigestDelivery.id))) == 10

    # The next planning run finds the 20 left (the ledger, not Redis, is the truth) ...
    assert plan_digests(MONDAY_NOON.isoformat())["members"] == 20
    second = _start(app, marker, burst=True)
    assert second.wait(timeout=120) == 0
    flush_outbox()  # ... and the outbox's catch-up sends anything committed but not delivered.

    received = Counter(m["To"] for m in smtp.messages)
    assert received == Counter({email: 1 for email in emails})
    db.session.remove()
    statuses = db.session.scalars(sa.select(OutboxMessage.status).where(OutboxMessage.kind == "digest")).all()
    assert len(statuses) == 30 and set(statuses) == {MailStatus.SENT}
    assert plan_digests(MONDAY_NOON.isoformat())["members"] == 0
