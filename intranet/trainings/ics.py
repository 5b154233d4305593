"""iCalendar: the invitation attached to emails and each member's personal feed.

Times are written in UTC (``...Z``), which every calendar converts to its own zone. One UID per
session, so an update or a cancellation (higher SEQUENCE) replaces the event people already have.
"""

from __future__ import annotations

from collections.abc import Iterable
from email.utils import parseaddr

from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from ..database import utcnow
from ..mail import privacy
from ..mail.privacy import Level
from .models import TrainingSession

PRODID = "-//Passerelle//Formations//FR"


def _domain() -> str:
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    return sender.rsplit("@", 1)[-1].strip(">") or "passerelle.example"


def uid_for(session: TrainingSession) -> str:
    return f"seance-{session.id}@{_domain()}"


def location_text(session: TrainingSession, *, with_venue: bool) -> str:
    if session.is_online:
        return session.online_url if with_venue and session.online_url else _("En ligne")
    place = ", ".join(p for p in (session.town, session.region.name if session.region else "") if p)
    if with_venue and session.room_details:
        return f"{session.room_details.strip()} — {place}"
    return place


def session_event(
    session: TrainingSession,
    *,
    with_venue: bool,
    page_url: str | None = None,
    cancelled: bool = False,
    level: Level = Level.FULL,
) -> Event:
    """One session as an event, saying no more than ``level`` allows (issue 9): below "full" no
    room or meeting link (they may name an organization), at "discreet" a neutral title and no
    location at all."""
    event = Event()
    event.add("uid", uid_for(session))
    event.add("dtstamp", utcnow())
    event.add("sequence", session.sequence)
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    title = session.training.title if level != Level.DISCREET else _("Rendez-vous")
    event.add("summary", vText(title))
    if level != Level.DISCREET:
        event.add("location", vText(location_text(session, with_venue=with_venue and level == Level.FULL)))
    description = title
    if page_url:
        description += f"\n{page_url}"
        event.add("url", page_url)
    event.add("description", vText(description))
    sender = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]
    organizer = vCalAddress("mailto:" + sender)
    organizer.params["cn"] = vText(privacy.settings().sender_name(str(get_locale() or "fr")))
    event.add("organizer", organizer)
    if cancelled or session.is_cancelled:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    return event


def _calendar(method: str | None, name: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", vText(name))
    return cal


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
        cal = _calendar("CANCEL" if cancel else "REQUEST")
        cal.add_component(
            session_event(session, with_venue=not cancel, page_url=page_url, cancelled=cancel, level=level)
        )
        return cal.to_ical()


def feed(sessions: Iterable[tuple[TrainingSession, str]], *, name: str, level: Level = Level.FULL) -> bytes:
    """A member's feed: their confirmed sessions (with the venue) and cancelled ones (as cancelled),
    at the member's email level (a phone's calendar is read by whoever holds the phone)."""
    cal = _calendar("PUBLISH", name if level != Level.DISCREET else _("Agenda"))
    for session, url in sessions:
        cal.add_component(session_event(session, with_venue=not session.is_cancelled, page_url=url, level=level))
    return cal.to_ical()
