"""A member's trainings and their personal calendar feed (a secret address)."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Literal, overload

import sqlalchemy as sa

from ... import ics as calendars
from ...accounts.models import User
from ...extensions import db
from ..models import CalendarFeed, Registration, TrainingSession
from .common import CANCELLED


def my_registrations(user: User) -> list[Registration]:
    return list(
        db.session.scalars(
            sa.select(Registration)
            .join(TrainingSession, TrainingSession.id == Registration.session_id)
            .where(Registration.user_id == user.id, Registration.status != CANCELLED)
            .order_by(TrainingSession.starts_at.desc())
        ).all()
    )


@overload
def feed_for(user: User, *, create: Literal[True] = ...) -> CalendarFeed: ...


@overload
def feed_for(user: User, *, create: bool) -> CalendarFeed | None: ...


def feed_for(user: User, *, create: bool = True) -> CalendarFeed | None:
    """The member's calendar feed, made on first use (or None with ``create=False``)."""
    feed = db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if feed is None and create:
        feed = CalendarFeed(user_id=user.id)
        db.session.add(feed)
        db.session.flush()
    return feed


def rotate_feed(user: User) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    feed = feed_for(user)
    feed.token = secrets.token_urlsafe(32)
    db.session.flush()
    return feed


def feed_user(token: str) -> User | None:
    if not token or len(token) > 64:
        return None
    feed = db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.token == token))
    if feed is None:
        return None
    user = db.session.get(User, feed.user_id)
    return user if user is not None and user.active else None


def feed_ics(user: User, *, now: datetime | None = None) -> bytes:
    """The member's personal feed (``/formations/agenda/<token>.ics``): every calendar source's
    events (this package's sessions, a space's meetings...), at the member's level."""
    return calendars.personal_feed(user, now=now)
