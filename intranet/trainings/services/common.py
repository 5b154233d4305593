"""What every part of the trainings' rules shares: the refusals, the registration statuses, and
the network's time zone (forms take and pages show local time; the database holds UTC)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from ...network import network_zone
from ..models import RegistrationStatus

CONFIRMED = RegistrationStatus.CONFIRMED
WAITING = RegistrationStatus.WAITING
CANCELLED = RegistrationStatus.CANCELLED


class TrainingError(Exception):
    """A refusal whose message (a lazy string) can be shown to the user."""


class AlreadyRegistered(TrainingError):
    pass


def local_to_utc(value: datetime) -> datetime:
    """A wall-clock time typed in a form, read in the network's time zone, as aware UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=network_zone())
    return value.astimezone(UTC)


def to_local(value: datetime) -> datetime:
    return value.astimezone(network_zone())


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The first instant of the month and of the next, in the network's zone, as UTC."""
    start = month.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    zone = network_zone()
    return (
        local_to_utc(datetime.combine(start, time(), tzinfo=zone)),
        local_to_utc(datetime.combine(following, time(), tzinfo=zone)),
    )
