"""Delivering the outbox: ``deliver_due`` claims due rows, sends them over one connection and
records the outcome (sent, refused for good, or tried again later with a growing delay). A message
that a worker was sending when it died is claimed again after ``CLAIM_TIMEOUT``.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

import sqlalchemy as sa

from ...database import is_sqlite, read_intent, utcnow, write_intent
from ...extensions import db
from ..models import MailStatus, OutboxMessage
from .building import outgoing
from .transports import Transport, open_transport

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
CLAIM_TIMEOUT = timedelta(minutes=10)


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))


class Mailer:
    """One connection kept open across several ``deliver_due`` calls (a digest batch).

    Once the server could not be reached, the mailer stays ``down``: later calls leave their
    messages pending for the scheduler's ``flush_outbox`` instead of trying again at once.
    """

    def __init__(self) -> None:
        self.transport: Transport | None = None
        self.down = False

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()
            self.transport = None


def _claim(ids: list[int] | None, limit: int) -> list[int]:
    """Mark due messages as being sent by this worker, in their own short transaction."""
    write_intent()
    now = utcnow()
    due = sa.or_(
        sa.and_(OutboxMessage.status == MailStatus.PENDING, OutboxMessage.next_attempt_at <= now),
        sa.and_(OutboxMessage.status == MailStatus.SENDING, OutboxMessage.claimed_at < now - CLAIM_TIMEOUT),
    )
    query = sa.select(OutboxMessage.id).where(due).order_by(OutboxMessage.id).limit(limit)
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(ids))
    if not is_sqlite():
        query = query.with_for_update(skip_locked=True)
    claimed = list(db.session.scalars(query))
    if claimed:
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(claimed))
            .values(status=MailStatus.SENDING, claimed_at=now)
        )
    db.session.commit()
    return claimed


# One statement per message sent, built once and run on the session's connection: the ORM's
# bulk-update path (matching the session's objects, building the statement) cost more than the
# statement itself. The session's rows are expired by the commit that follows.
_OUTBOX = OutboxMessage.__table__
assert isinstance(_OUTBOX, sa.Table)  # typed as any FromClause: a declared model's own is its Table
_MARK_SENT = (
    sa.update(_OUTBOX)
    .where(_OUTBOX.c.id == sa.bindparam("b_id"))
    .values(
        status=MailStatus.SENT,
        sent_at=sa.bindparam("b_sent_at", type_=_OUTBOX.c.sent_at.type),
        attempts=_OUTBOX.c.attempts + 1,
        last_error=None,
    )
)
# On PostgreSQL the mark need not wait for the disk: were the database to crash in the next
# fraction of a second, the message would be sent again after CLAIM_TIMEOUT, as it would if the
# crash came between the send and the commit. ``set_config(..., true)`` is ``SET LOCAL``, said in
# the UPDATE itself (a subquery PostgreSQL runs once) rather than in a round trip of its own.
_ASYNC_COMMIT = sa.select(sa.func.set_config("synchronous_commit", "off", True)).scalar_subquery()
_MARK_SENT_ASYNC = _MARK_SENT.where(_ASYNC_COMMIT.is_not(None))


def _is_permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500 and exc.smtp_code not in (500, 501, 502, 503, 504, 521, 530)
    return False


def deliver_due(
    ids: list[int] | None = None, limit: int = 200, mailer: Mailer | None = None
) -> dict[str, int]:
    """Send due messages (or the given ones, when due) over one connection; returns counts.

    With ``mailer``, its open connection is used (and left open for the next call).
    """
    counts = {"sent": 0, "retry": 0, "refused": 0, "failed": 0}
    if mailer is not None and mailer.down:
        return counts
    claimed = _claim(ids, limit)
    if not claimed:
        return counts
    transport: Transport | None = mailer.transport if mailer is not None else None
    if transport is not None and not transport.alive():
        transport.close()
        transport = None
    if transport is None:
        try:
            transport = open_transport()
        except (OSError, smtplib.SMTPException) as exc:
            write_intent()
            for row in db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.id.in_(claimed))):
                _record_temporary_failure(row, exc, counts)
            db.session.commit()
            if mailer is not None:
                mailer.down = True
            return counts
    # Built up front from one query: each commit below expires the session's rows, and
    # reloading every message to send it would double the queries.
    read_intent()
    messages = [
        (row.id, outgoing(row, transport.linesep, transport.mangle_from), row)
        for row in db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.id.in_(claimed)).order_by(OutboxMessage.id)
        )
    ]
    db.session.rollback()
    try:
        for message_id, message, row in messages:
            write_intent()
            try:
                transport.send(message, row)
            except (smtplib.SMTPException, OSError) as exc:
                # SMTPException is an OSError: tell the server's answers from a lost connection.
                if isinstance(exc, smtplib.SMTPException) and not isinstance(
                    exc, smtplib.SMTPServerDisconnected
                ):
                    if _is_permanent(exc):
                        row.status = MailStatus.REFUSED
                        row.last_error = _describe(exc)
                        counts["refused"] += 1
                        log.warning("address refused for good for outbox message %s", row.id)
                    else:
                        _record_temporary_failure(row, exc, counts)
                    db.session.commit()
                    continue
                _record_temporary_failure(row, exc, counts)
                db.session.commit()
                transport.close()
                try:
                    transport = open_transport()
                except (OSError, smtplib.SMTPException):
                    transport = None
                    if mailer is not None:
                        mailer.down = True
                    break
                continue
            mark = _MARK_SENT if is_sqlite() else _MARK_SENT_ASYNC
            db.session.connection().execute(mark, {"b_id": message_id, "b_sent_at": utcnow()})
            db.session.commit()
            counts["sent"] += 1
    finally:
        if mailer is not None:
            mailer.transport = transport
        elif transport is not None:
            transport.close()
    # Messages claimed but not reached (connection lost for good) go back to pending.
    write_intent()
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_(claimed), OutboxMessage.status == MailStatus.SENDING)
        .values(status=MailStatus.PENDING, claimed_at=None)
    )
    db.session.commit()
    return counts


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def _record_temporary_failure(row: OutboxMessage, exc: Exception, counts: dict[str, int]) -> None:
    row.attempts += 1
    row.last_error = _describe(exc)
    row.claimed_at = None
    if row.attempts >= MAX_ATTEMPTS:
        row.status = MailStatus.FAILED
        counts["failed"] += 1
    else:
        row.status = MailStatus.PENDING
        row.next_attempt_at = utcnow() + _backoff(row.attempts)
        counts["retry"] += 1
    log.warning("temporary failure for outbox message %s (attempt %s)", row.id, row.attempts)
