"""iCalendar: invitations attached to emails or downloaded, and each member's personal feed.

Times are written in UTC (``...Z``), which every calendar converts to its own zone. One UID per
event, so an update or a cancellation (higher SEQUENCE) replaces the event people already have.
What an event says follows the email levels (issue 9): a phone's calendar is read by whoever
holds the phone. The features describe their events as ``events.CalendarEvent``; this module
writes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from email.utils import parseaddr

from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from . import events
from .database import utcnow
from .events import CalendarEvent
from .mail import privacy
from .mail.privacy import Level

PRODID = "-//Passerelle//Agenda//FR"
FEED_PAST = timedelta(days=90)  # a feed keeps what happened in the last three months


def domain() -> str:
    """The right-hand side of every UID: the network's sending domain."""
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    return sender.rsplit("@", 1)[-1].strip(">") or "passerelle.example"


def uid(prefix: str, object_id: int) -> str:
    return f"{prefix}-{object_id}@{domain()}"


def event_component(item: CalendarEvent, *, level: Level = Level.FULL, with_venue: bool = True) -> Event:
    """One event, saying no more than ``level`` allows: below "full" no venue (a room or a link
    may name an organization), at "discreet" a neutral title and no location at all."""
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", utcnow())
    event.add("sequence", item.sequence)
    event.add("dtstart", item.starts_at)
    event.add("dtend", item.ends_at)
    title = item.title if level != Level.DISCREET else _("Rendez-vous")
    event.add("summary", vText(title))
    if level != Level.DISCREET:
        shown = item.venue if with_venue and level == Level.FULL and item.venue else item.place
        if shown:
            event.add("location", vText(shown))
    description = title
    if item.url:
        description += f"\n{item.url}"
        event.add("url", item.url)
    event.add("description", vText(description))
    sender = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]
    organizer = vCalAddress("mailto:" + sender)
    organizer.params["cn"] = vText(privacy.settings().sender_name(str(get_locale() or "fr")))
    event.add("organizer", organizer)
    event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    return event


def calendar(method: str | None, name: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", vText(name))
    return cal


def invitation(item: CalendarEvent, *, cancel: bool = False, level: Level = Level.FULL) -> bytes:
    """A one-event calendar (METHOD:REQUEST, or CANCEL), in the current language."""
    cal = calendar("CANCEL" if cancel else "REQUEST")
    cal.add_component(event_component(item, level=level, with_venue=not cancel))
    return cal.to_ical()


def feed(items: Iterable[tuple[CalendarEvent, Level]], *, name: str) -> bytes:
    """A feed (METHOD:PUBLISH) of events, each at its own level."""
    cal = calendar("PUBLISH", name)
    for item, level in items:
        cal.add_component(event_component(item, level=level, with_venue=not item.cancelled))
    return cal.to_ical()


def personal_feed(user, *, now: datetime | None = None) -> bytes:
    """The member's feed: every calendar source's events of the last 90 days and to come, in the
    member's language, each at the member's level for its kind of content."""
    since = (now or utcnow()) - FEED_PAST
    pref = privacy.preference_of(user.id)
    locale = privacy.recipient_locale(pref, user.locale)
    with force_locale(locale):
        found = events.calendar_events(user, since)
        discreet = privacy.member_level(pref) == Level.DISCREET
        name = _("Agenda") if discreet else privacy.settings().sender_name(locale)
        return feed([(item, privacy.level_for(pref, item.content)) for item in found], name=name)
