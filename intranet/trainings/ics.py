"""Training sessions as calendar events (``intranet.ics`` writes them): the invitation attached to
emails, and the sessions of each member's personal feed (a calendar source)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from .. import ics
from ..events import CalendarEvent
from ..extensions import db
from ..mail.privacy import Level
from ..urls import external_url
from .models import Registration, RegistrationStatus, TrainingSession


def uid_for(session: TrainingSession) -> str:
    return ics.uid("seance", session.id)


def location_text(session: TrainingSession, *, with_venue: bool) -> str:
    if session.is_online:
        return session.online_url if with_venue and session.online_url else _("En ligne")
    place = ", ".join(p for p in (session.town, session.region.name if session.region else "") if p)
    if with_venue and session.room_details:
        return f"{session.room_details.strip()} — {place}"
    return place


def session_event(
    session: TrainingSession, *, page_url: str | None = None, cancelled: bool = False
) -> CalendarEvent:
    return CalendarEvent(
        uid=uid_for(session),
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        title=session.training.title,
        content="training",
        url=page_url,
        place=location_text(session, with_venue=False),
        venue=location_text(session, with_venue=True),
        sequence=session.sequence,
        cancelled=cancelled or session.is_cancelled,
    )


def invitation(
    session: TrainingSession,
    *,
    page_url: str | None = None,
    cancel: bool = False,
    level: Level = Level.FULL,
    locale: str = "fr",
) -> bytes:
    """A one-event calendar (METHOD:REQUEST, or CANCEL) for a confirmed participant, in their language."""
    with force_locale(locale):
        return ics.invitation(
            session_event(session, page_url=page_url, cancelled=cancel), cancel=cancel, level=level
        )


def feed_events(user, since: datetime) -> list[CalendarEvent]:
    """Calendar source: the member's confirmed sessions from ``since``, and the cancelled sessions
    they were in (as cancelled)."""
    rows = db.session.scalars(
        sa.select(Registration)
        .join(TrainingSession, TrainingSession.id == Registration.session_id)
        .where(
            Registration.user_id == user.id,
            Registration.status == RegistrationStatus.CONFIRMED,
            TrainingSession.starts_at >= since,
        )
        .order_by(TrainingSession.starts_at)
    ).all()
    return [
        session_event(r.session, page_url=external_url("trainings.session", session_id=r.session_id))
        for r in rows
    ]
