"""The digest's source and the home page: open sessions a member may book, their registrations."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ... import events
from ...accounts.models import User
from ...database import utcnow
from ...extensions import db
from .. import policy, waitlist
from ..models import Registration, Training, TrainingSession
from .catalogue import seats_left
from .common import CANCELLED, CONFIRMED, WAITING

DIGEST_SESSIONS = 6  # sessions with seats in a digest
DIGEST_SOON = timedelta(days=14)  # sessions starting this soon are in every digest


def _open_sessions_query(now: datetime):
    """Upcoming sessions of published trainings that still take registrations and have seats."""
    seats = (
        sa.select(sa.func.count())
        .select_from(Registration)
        .where(Registration.session_id == TrainingSession.id, Registration.status == CONFIRMED)
        .scalar_subquery()
    )
    return (
        sa.select(TrainingSession)
        .join(Training, Training.id == TrainingSession.training_id)
        .where(
            Training.published.is_(True),
            TrainingSession.cancelled_at.is_(None),
            TrainingSession.starts_at > now,
            TrainingSession.registration_deadline >= now,
            sa.or_(
                TrainingSession.registration_opens_at.is_(None), TrainingSession.registration_opens_at <= now
            ),
            seats < TrainingSession.capacity,
        )
    )


def _recent_or_soon(since: datetime, now: datetime):
    """In a digest: sessions announced since the last one, and those starting within two weeks."""
    return sa.or_(TrainingSession.created_at >= since, TrainingSession.starts_at <= now + DIGEST_SOON)


def open_sessions_for(
    user: User, *, limit: int, since: datetime | None = None, now=None
) -> list[TrainingSession]:
    """Upcoming sessions with seats left that this person may book, their own region first."""
    now = now or utcnow()
    taken = sa.select(Registration.session_id).where(
        Registration.user_id == user.id, Registration.status != CANCELLED
    )
    query = _open_sessions_query(now).where(TrainingSession.id.not_in(taken))
    if since is not None:
        query = query.where(_recent_or_soon(since, now))
    region_id = user.organization.region_id
    own_region = sa.case((TrainingSession.region_id == region_id, 0), else_=1)
    query = query.order_by(own_region, TrainingSession.starts_at, TrainingSession.id).limit(limit * 3)
    sessions = [s for s in db.session.scalars(query).all() if policy.is_eligible(user, s)]
    return sessions[:limit]


def open_sessions_many(requests, *, limit: int, now=None) -> dict[int, list[TrainingSession]]:
    """``open_sessions_for(user, limit=limit, since=since)`` for each ``(user, since)`` of a chunk.

    The open sessions are the same for everybody: they are read once (since the chunk's oldest
    ``since``), with the chunk's registrations; then, for each member as ``open_sessions_for``
    does in SQL: leave out the sessions they are registered to and those neither announced since
    their ``since`` nor starting soon, put their region's first (stable: by start), keep
    ``limit * 3``, then those they are eligible for (``policy.is_eligible``), ``limit`` of them.
    """
    requests = list(requests)
    if not requests:
        return {}
    now = now or utcnow()
    oldest = min(since for _user, since in requests)
    sessions = list(
        db.session.scalars(
            _open_sessions_query(now)
            .where(_recent_or_soon(oldest, now))
            .order_by(TrainingSession.starts_at, TrainingSession.id)
        ).unique()
    )
    taken: dict[int, set[int]] = {user.id: set() for user, _since in requests}
    if sessions:
        for user_id, session_id in db.session.execute(
            sa.select(Registration.user_id, Registration.session_id).where(
                Registration.user_id.in_(list(taken)),
                Registration.session_id.in_([s.id for s in sessions]),
                Registration.status != CANCELLED,
            )
        ):
            taken[user_id].add(session_id)
    soon = now + DIGEST_SOON
    found = {}
    for user, since in requests:
        region_id = user.organization.region_id
        mine = [
            s
            for s in sessions
            if s.id not in taken[user.id] and (s.created_at >= since or s.starts_at <= soon)
        ]
        # Stable: SQL's "ORDER BY region_id = :region (IS NULL when None), starts_at, id".
        mine.sort(key=lambda s: 0 if s.region_id == region_id else 1)
        found[user.id] = [s for s in mine[: limit * 3] if policy.is_eligible(user, s)][:limit]
    return found


def _digest_item(s: TrainingSession) -> events.DigestItem:
    return events.DigestItem(
        kind="session",
        title=s.training.title,
        endpoint="trainings.session",
        values={"session_id": s.id},
        summary=", ".join(p for p in (s.town, s.region.name if s.region else "") if p) or str(_l("En ligne")),
        when=s.starts_at,
        region_id=s.region_id,
        theme_ids=tuple(t.id for t in s.training.themes),
    )


def digest_items(user: User, since: datetime) -> list[events.DigestItem]:
    return [_digest_item(s) for s in open_sessions_for(user, limit=DIGEST_SESSIONS, since=since)]


def digest_items_many(requests) -> dict[int, list[events.DigestItem]]:
    """``digest_items`` for each ``(user, since)`` of a chunk (see ``open_sessions_many``)."""
    shared: dict[int, events.DigestItem] = {}  # one item per session, whoever gets it
    found = {}
    for user_id, sessions in open_sessions_many(requests, limit=DIGEST_SESSIONS).items():
        for s in sessions:
            if s.id not in shared:
                shared[s.id] = _digest_item(s)
        found[user_id] = [shared[s.id] for s in sessions]
    return found


def upcoming_for(user: User, *, now=None) -> list[Registration]:
    now = now or utcnow()
    return list(
        db.session.scalars(
            sa.select(Registration)
            .join(TrainingSession, TrainingSession.id == Registration.session_id)
            .where(
                Registration.user_id == user.id,
                Registration.status.in_([CONFIRMED, WAITING]),
                TrainingSession.ends_at >= now,
            )
            .order_by(TrainingSession.starts_at)
            .limit(5)
        ).all()
    )


def home_section(user: User) -> dict | None:
    """The home page's section: my coming sessions (with my place in line) and open ones."""
    upcoming = upcoming_for(user)
    open_sessions = open_sessions_for(user, limit=3)
    if not upcoming and not open_sessions:
        return None
    places = waitlist.positions(upcoming)
    return {
        "registrations": [(r, places.get(r.id)) for r in upcoming],
        "open_sessions": open_sessions,
        "seats": seats_left(open_sessions),
    }
