"""What was sent, for the administrator: the latest periods by outcome and delivery status."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _

from ...extensions import db
from ...mail.models import MailStatus, OutboxMessage
from ..models import DeliveryStatus, DigestDelivery, Frequency
from .periods import due_members, parse_period


@dataclass
class PeriodReport:
    key: str
    label: str
    recorded: dict[str, int] = field(default_factory=dict)  # ledger status -> members
    delivery: dict[str, int] = field(default_factory=dict)  # outbox status -> digests
    waiting: int = 0  # due now and not yet in the ledger


def period_label(key: str) -> str:
    period = parse_period(key)
    if period.frequency == Frequency.DAILY:
        return format_date(datetime.fromisoformat(key[1:]).date(), "long")
    year, week = key[1:].split("-W")
    return _("Semaine %(week)s de %(year)s", week=int(week), year=year)


def ledger_report(limit: int = 10, now: datetime | None = None) -> list[PeriodReport]:
    """The latest periods: members recorded by outcome, digests by delivery status, and who waits."""
    latest = (
        sa.select(DigestDelivery.period_key, sa.func.max(DigestDelivery.created_at).label("last"))
        .group_by(DigestDelivery.period_key)
        .order_by(sa.text("last DESC"))
        .limit(limit)
    )
    keys = [key for key, _last in db.session.execute(latest)]
    waiting = {key: len(ids) for key, ids in due_members(now).items()}
    keys += [key for key in waiting if key not in keys]
    reports = {key: PeriodReport(key, period_label(key), waiting=waiting.get(key, 0)) for key in keys}
    for key, status, count in db.session.execute(
        sa.select(DigestDelivery.period_key, DigestDelivery.status, sa.func.count())
        .where(DigestDelivery.period_key.in_(keys))
        .group_by(DigestDelivery.period_key, DigestDelivery.status)
    ):
        reports[key].recorded[DeliveryStatus(status).value] = count
    for key, mail_status, count in db.session.execute(
        sa.select(DigestDelivery.period_key, OutboxMessage.status, sa.func.count())
        .join(OutboxMessage, OutboxMessage.id == DigestDelivery.outbox_message_id)
        .where(DigestDelivery.period_key.in_(keys))
        .group_by(DigestDelivery.period_key, OutboxMessage.status)
    ):
        reports[key].delivery[MailStatus(mail_status).value] = count
    return list(reports.values())
