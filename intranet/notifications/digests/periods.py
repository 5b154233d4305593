"""Digest periods (a day, an ISO week, in the network's time zone) and who is due for one now."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from ...accounts.models import Organization, User
from ...database import utcnow
from ...extensions import db
from ..models import DigestDelivery, Frequency, NotificationPreference

# --- periods ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    key: str  # "d2026-11-26" (a day) or "w2026-W48" (an ISO week), in the network's time zone
    frequency: Frequency

    @property
    def length(self) -> timedelta:
        return timedelta(days=1 if self.frequency == Frequency.DAILY else 7)


def period_for(frequency: Frequency, local: datetime) -> Period:
    if frequency == Frequency.DAILY:
        return Period(f"d{local.date().isoformat()}", frequency)
    year, week, _day = local.isocalendar()
    return Period(f"w{year}-W{week:02d}", Frequency.WEEKLY)


def parse_period(key: str) -> Period:
    if key.startswith("d"):
        return Period(key, Frequency.DAILY)
    if key.startswith("w"):
        return Period(key, Frequency.WEEKLY)
    raise ValueError(f"not a digest period: {key!r}")


def network_now(now: datetime | None = None) -> datetime:
    return (now or utcnow()).astimezone(ZoneInfo(current_app.config["NETWORK_TIMEZONE"]))


# --- planning: who is due now ----------------------------------------------------------------


def _recipients():
    """Active members of active organizations who have signed in at least once (a password)."""
    return (
        sa.select(User.id)
        .join(Organization, Organization.id == User.organization_id)
        .outerjoin(NotificationPreference, NotificationPreference.user_id == User.id)
        .where(User.active, Organization.active, User.password_hash.is_not(None))
    )


def _not_in_ledger(period: Period):
    return ~sa.exists().where(DigestDelivery.user_id == User.id, DigestDelivery.period_key == period.key)


def due_members(now: datetime | None = None) -> dict[str, list[int]]:
    """Members due for a digest now, by period key, leaving out those the ledger says are done.

    Daily digests go from ``DIGEST_HOUR`` (network time); weekly ones from that hour on the
    member's weekday, and any later day of the same week (so a scheduler that was down on that
    day catches up instead of skipping anyone).
    """
    local = network_now(now)
    hour_reached = local.hour >= current_app.config["DIGEST_HOUR"]
    due: dict[str, list[int]] = {}
    if hour_reached:
        daily = period_for(Frequency.DAILY, local)
        query = _recipients().where(
            NotificationPreference.frequency == Frequency.DAILY, _not_in_ledger(daily)
        )
        due[daily.key] = list(db.session.scalars(query.order_by(User.id)))
    weekly = period_for(Frequency.WEEKLY, local)
    last_weekday = local.weekday() if hour_reached else local.weekday() - 1
    default_weekday = current_app.config["DIGEST_DEFAULT_WEEKDAY"]
    query = _recipients().where(
        sa.or_(
            NotificationPreference.user_id.is_(None), NotificationPreference.frequency == Frequency.WEEKLY
        ),
        sa.func.coalesce(NotificationPreference.weekday, default_weekday) <= last_weekday,
        _not_in_ledger(weekly),
    )
    due[weekly.key] = list(db.session.scalars(query.order_by(User.id)))
    return {key: ids for key, ids in due.items() if ids}


def batches(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
