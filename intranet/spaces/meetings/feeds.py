"""Meetings outside their pages: the digest (upcoming meetings at the tables one sits at), the
personal calendar feed and invitations (``intranet.ics``), and the reminder the day before."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ... import events, ics
from ...accounts.models import User
from ...database import utcnow
from ...extensions import db
from ...urls import external_url
from .. import services as spaces
from ..models import SpaceFacilitator
from .models import Meeting, MeetingRegistration

DIGEST_AHEAD = timedelta(days=14)
REMIND_BEFORE = timedelta(hours=24)


# --- digest -------------------------------------------------------------------------------------


def digest_items(user: User, since) -> list[events.DigestItem]:
    return digest_items_many([(user, since)])[user.id]


def digest_items_many(members) -> dict[int, list[events.DigestItem]]:
    """Dated meetings of the next two weeks at the tables where each member's organization sits
    (standing items: they join a digest that has news, never make one), in two queries."""
    if not members:
        return {}
    spaces_of = spaces.seats_of({user.organization_id for user, _since in members})
    seated = set().union(*spaces_of.values()) if spaces_of else set()
    now = utcnow()
    meetings = (
        list(
            db.session.scalars(
                sa.select(Meeting)
                .options(selectinload(Meeting.space))
                .where(
                    Meeting.space_id.in_(seated),
                    Meeting.starts_at > now,
                    Meeting.starts_at <= now + DIGEST_AHEAD,
                )
                .order_by(Meeting.starts_at)
            )
        )
        if seated
        else []
    )
    return {
        user.id: [
            events.DigestItem(
                kind="space_meeting",
                title=meeting.title,
                endpoint="spaces.meeting",
                values={"meeting_id": meeting.id},
                organization_name=meeting.space.name,
                when=meeting.starts_at,
                region_id=meeting.space.region_id,
            )
            for meeting in meetings
            if meeting.space_id in spaces_of.get(user.organization_id, set())
        ][:10]
        for user, _since in members
    }


# --- calendar ---------------------------------------------------------------------------------------


def meeting_event(meeting: Meeting) -> events.CalendarEvent:
    """The meeting as a calendar event: the link or the town is its venue, shown at "full" only."""
    starts_at, ends_at = meeting.starts_at, meeting.ends_at
    if starts_at is None or ends_at is None:
        raise ValueError(f"meeting {meeting.id} has no date yet, so no calendar event")
    place = _("En ligne") if meeting.is_online else meeting.town
    return events.CalendarEvent(
        uid=ics.uid("rencontre", meeting.id),
        starts_at=starts_at,
        ends_at=ends_at,
        title=meeting.title,
        content="space",
        url=external_url("spaces.meeting", meeting_id=meeting.id),
        place=place,
        venue=meeting.online_url if meeting.is_online else meeting.town,
        sequence=meeting.sequence,
    )


def calendar_events(user: User, since: datetime) -> list[events.CalendarEvent]:
    """Calendar source: dated meetings the member's organization is registered to, and those of
    the spaces the member facilitates (the people who see the place)."""
    registered = sa.select(MeetingRegistration.meeting_id).where(
        MeetingRegistration.organization_id == user.organization_id
    )
    facilitated = sa.select(SpaceFacilitator.space_id).where(SpaceFacilitator.user_id == user.id)
    meetings = db.session.scalars(
        sa.select(Meeting).where(
            Meeting.starts_at >= since,
            sa.or_(Meeting.id.in_(registered), Meeting.space_id.in_(facilitated)),
        )
    )
    return [meeting_event(meeting) for meeting in meetings]


def invitation(meeting: Meeting) -> bytes:
    """The meeting's .ics, downloaded by who may see its place (in their own language, at full)."""
    return ics.invitation(meeting_event(meeting))


# --- reminders --------------------------------------------------------------------------------------


def send_reminders(now: datetime | None = None) -> int:
    """Tell the registered organizations' people, once, the day before (the scheduler calls it)."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(Meeting).where(
            Meeting.reminded_at.is_(None), Meeting.starts_at > now, Meeting.starts_at <= now + REMIND_BEFORE
        )
    ).all()
    for meeting in due:
        coming = sa.select(MeetingRegistration.organization_id).where(
            MeetingRegistration.meeting_id == meeting.id
        )
        people = list(
            db.session.scalars(
                sa.select(User.id).where(
                    User.organization_id.in_(coming), User.active, User.closed_at.is_(None)
                )
            )
        )
        if people:
            events.notify.send(
                None,
                user_ids=people,
                kind="space_meeting_reminder",
                title=meeting.title,
                endpoint="spaces.meeting",
                values={"meeting_id": meeting.id},
                actor_id=None,
            )
        meeting.reminded_at = now
    db.session.flush()
    return len(due)
