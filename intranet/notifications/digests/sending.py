"""Sending a batch of digests exactly once: read and render outside any write lock, claim the
ledger rows and write the outbox rows in one short transaction, deliver over one connection."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ...accounts.models import Organization, User
from ...database import is_sqlite, read_intent, utcnow, write_intent
from ...extensions import db
from ...mail.models import MailStatus, OutboxMessage
from ...mail.services import Mailer, RenderedEmail, deliver_due, store_email
from ..models import DeliveryStatus, DigestDelivery, Frequency, NotificationPreference
from .building import MAX_LOOKBACK, _collect_chunk, _notifications_of, build_digest
from .periods import Period, batches, parse_period
from .presenting import EmailLinks, render_digest


@dataclass
class Prepared:
    user_id: int
    email: str
    since: datetime
    until: datetime
    item_count: int
    rendered: RenderedEmail | None
    headers: dict
    refused: bool = False


def dedupe_key(user_id: int, period: Period) -> str:
    return f"digest:{user_id}:{period.key}"


def _still_due(pref: NotificationPreference | None, period: Period) -> bool:
    frequency = pref.frequency if pref is not None else Frequency.WEEKLY
    return frequency == period.frequency


def _ledger_insert(rows: list[dict]):
    insert = sqlite_insert if is_sqlite() else pg_insert
    return (
        insert(DigestDelivery)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["user_id", "period_key"])
        .returning(DigestDelivery.id, DigestDelivery.user_id)
    )


def _refused_addresses(addresses: list[str]) -> set[str]:
    """Addresses whose latest message the server refused for good (until the address changes)."""
    if not addresses:
        return set()
    latest = (
        sa.select(sa.func.max(OutboxMessage.id))
        .where(OutboxMessage.to_address.in_(addresses))
        .group_by(OutboxMessage.to_address)
    )
    return set(
        db.session.scalars(
            sa.select(OutboxMessage.to_address).where(
                OutboxMessage.id.in_(latest), OutboxMessage.status == MailStatus.REFUSED
            )
        )
    )


def _prepare(
    period: Period, user_ids: list[int], links: EmailLinks, counts: dict[str, int]
) -> list[Prepared]:
    """Read and render, outside any write lock. Only primitives leave this function."""
    done = set(
        db.session.scalars(
            sa.select(DigestDelivery.user_id).where(
                DigestDelivery.period_key == period.key, DigestDelivery.user_id.in_(user_ids)
            )
        )
    )
    counts["skipped"] += len(done)
    pending_ids = [uid for uid in user_ids if uid not in done]
    if not pending_ids:
        return []
    users = db.session.scalars(
        sa.select(User)
        .join(Organization, Organization.id == User.organization_id)
        .where(User.id.in_(pending_ids), User.active, Organization.active, User.password_hash.is_not(None))
        .order_by(User.id)
    ).all()
    prefs = {
        p.user_id: p
        for p in db.session.scalars(
            sa.select(NotificationPreference).where(NotificationPreference.user_id.in_(pending_ids))
        )
    }
    last_until = dict(
        db.session.execute(
            sa.select(DigestDelivery.user_id, sa.func.max(DigestDelivery.covers_until))
            .where(DigestDelivery.user_id.in_(pending_ids))
            .group_by(DigestDelivery.user_id)
        ).all()
    )
    refused = _refused_addresses([u.email for u in users])
    # One moment for the whole chunk: its digests all end there, so members read alike share
    # their queries (``_collect_chunk``, ``_notifications_of``).
    until = utcnow()
    planned: list[tuple[User, NotificationPreference | None, datetime, bool]] = []
    for user in users:
        pref = prefs.get(user.id)
        if not _still_due(pref, period):
            counts["skipped"] += 1
            continue
        since = max(last_until.get(user.id) or until - period.length, until - MAX_LOOKBACK)
        planned.append((user, pref, since, user.email in refused))
    wanted = [(user, since) for user, _pref, since, is_refused in planned if not is_refused]
    notifications = _notifications_of([(user.id, since) for user, since in wanted], until)
    collected = _collect_chunk(wanted)
    prepared = []
    for user, pref, since, is_refused in planned:
        if is_refused:
            # Flagged for the administrator already; trying every period would only repeat it.
            # Nothing is covered, so a corrected address gets what was missed.
            prepared.append(Prepared(user.id, user.email, since, since, 0, None, {}, refused=True))
            continue
        digest = build_digest(
            user, pref, since, until, collected=collected[user.id], notifications=notifications[user.id]
        )
        rendered, headers = (None, {}) if digest.is_empty else render_digest(user, pref, digest, links)
        prepared.append(Prepared(user.id, user.email, since, until, digest.item_count, rendered, headers))
    counts["skipped"] += len(pending_ids) - len(users)
    return prepared


def _record(period: Period, prepared: list[Prepared], counts: dict[str, int]) -> list[int]:
    """Claim the ledger rows and write the emails, in one short write transaction."""
    write_intent()
    now = utcnow()
    claimed = dict(
        (user_id, ledger_id)
        for ledger_id, user_id in db.session.execute(
            _ledger_insert(
                [
                    {
                        "user_id": p.user_id,
                        "period_key": period.key,
                        "status": DeliveryStatus.REFUSED_ADDRESS
                        if p.refused
                        else DeliveryStatus.QUEUED
                        if p.rendered
                        else DeliveryStatus.EMPTY,
                        "item_count": p.item_count,
                        "covers_since": p.since,
                        "covers_until": p.until,
                        "created_at": now,
                    }
                    for p in prepared
                ]
            )
        ).all()
    )
    written = []
    for p in prepared:
        if p.user_id not in claimed:
            counts["skipped"] += 1  # another run got there first
            continue
        if p.refused:
            counts["refused_address"] += 1
            continue
        if p.rendered is None:
            counts["empty"] += 1
            continue
        message = store_email(
            p.rendered,
            to=p.email,
            kind="digest",
            user_id=p.user_id,
            headers=p.headers,
            dedupe_key=dedupe_key(p.user_id, period),
            deliver=False,
            flush=False,
        )
        written.append((claimed[p.user_id], message))
    db.session.flush()  # the chunk's outbox rows in one INSERT (their ids come back with it)
    message_ids = [message.id for _ledger_id, message in written]
    links = [{"id": ledger_id, "outbox_message_id": message.id} for ledger_id, message in written]
    if links:
        db.session.execute(sa.update(DigestDelivery), links)
    db.session.commit()
    counts["queued"] += len(message_ids)
    return message_ids


def _undelivered(period: Period, user_ids: list[int]) -> list[int]:
    """Digests of these members already written but not sent (an earlier run was interrupted)."""
    keys = [dedupe_key(uid, period) for uid in user_ids]
    return list(
        db.session.scalars(
            sa.select(OutboxMessage.id).where(
                OutboxMessage.dedupe_key.in_(keys), OutboxMessage.status == MailStatus.PENDING
            )
        )
    )


def send_batch(period_key: str, user_ids: Iterable[int], *, chunk_size: int | None = None) -> dict[str, int]:
    """Build, record and deliver the digests of a batch of members for one period.

    Each chunk of members is rendered, then recorded in one transaction, then delivered over the
    batch's single SMTP connection, so memory stays flat and a kill loses at most one chunk of
    work (never a send: what was not committed is redone, what was committed is not).
    """
    period = parse_period(period_key)
    ids = sorted({int(u) for u in user_ids})
    size = chunk_size or current_app.config["DIGEST_CHUNK_SIZE"]
    links = EmailLinks(current_app)
    counts = {
        "queued": 0,
        "empty": 0,
        "skipped": 0,
        "refused_address": 0,
        "sent": 0,
        "retry": 0,
        "refused": 0,
        "failed": 0,
    }
    with Mailer() as mailer:
        for chunk in batches(ids, size):
            read_intent()  # reading and rendering must not hold SQLite's write lock
            pending = _undelivered(period, chunk)
            prepared = _prepare(period, chunk, links, counts)
            db.session.rollback()  # end the reading transaction before taking the write lock
            message_ids = pending + (_record(period, prepared, counts) if prepared else [])
            if message_ids:
                for key, value in deliver_due(ids=message_ids, mailer=mailer).items():
                    counts[key] += value
    return counts
