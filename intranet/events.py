"""Contracts between features, so each can be built and tested on its own.

* ``notify``: a feature tells members something concerns them (a waiting-list promotion, a review
  of their draft, a comment on their practice, a co-signing request). The notifications package
  stores it, counts it in the header and puts it in digests. Send it *inside* the transaction of
  the change that caused it::

      events.notify.send(None, user_ids=[user.id], kind="waitlist_promoted",
                         title=session_title, endpoint="trainings.session", values={"session_id": 3})

* digest sources: each feature says what is new for a member since a date, limited to what that
  member may see (rule 3), registered with ``register_digest_source(app, key, order, heading,
  collect)``. The digest builder calls every source the app holds. A source may also
  offer ``collect_many``, the same answer for a chunk of members at once (a few queries for the
  chunk instead of a few per member); the digest worker then uses it, within one read
  transaction per chunk. It must return, for every member, exactly what ``collect`` would:
  anything shared between members is keyed on what decides visibility (organization, role...),
  and each member's own filter is applied to their own list.

* calendar sources: each feature says which dated events a member's personal calendar feed holds
  (``register_calendar_source(app, key, collect)``, ``collect(user, since) -> [CalendarEvent]``),
  limited to what that member may see; ``intranet.ics`` writes them at the member's email level.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from blinker import Namespace
from flask import Flask, current_app, has_app_context

_signals = Namespace()

#: Security-relevant events for the audit log. kwargs: action: str (e.g. "login.failed",
#: "role.changed", "practice.unpublished", "participants.exported"), actor_id: int | None,
#: organization_id: int | None, target_type: str | None, target_id: int | str | None,
#: details: dict (no secrets, no personal data beyond ids). Send inside the change's transaction.
audit = _signals.signal("passerelle-audit")

#: An account is closing (kwargs: user): each feature lets go of what the person held (a booked
#: seat goes to the waiting list) before the personal data is removed. Inside the transaction.
account_closing = _signals.signal("passerelle-account-closing")

#: kwargs: user_ids: list[int], kind: str, title: str, endpoint: str, values: dict,
#: actor_id: int | None, organization_id: int | None (the organization the object belongs to);
#: optional: object_key: str (default ``object_key(endpoint, values)``), retires: kinds of
#: notification about the same object that this event makes stale, for everyone (see ``retire``).
#: Each member keeps one notification per object and kind: a second event counts in the first.
notify = _signals.signal("passerelle-notify")

#: A change of state makes some notifications about an object stale ("Brouillon à réviser" once
#: the text is under review or published): kwargs: object_key: str, kinds: list[str]. They are
#: removed for every member. Inside the transaction of the change.
retire = _signals.signal("passerelle-retire")

#: ``app.extensions[OBJECT_PAGES]``: endpoint -> (endpoint, keys): pages that show the same object
#: as another page (a text's version page shows the text), so that a notification linked to one
#: is read when the other is opened. Register with ``register_object_page``.
OBJECT_PAGES = "passerelle.object_pages"


def register_object_page(app, endpoint: str, same_as: str, keys: Sequence[str]) -> None:
    app.extensions.setdefault(OBJECT_PAGES, {})[endpoint] = (same_as, tuple(keys))


def object_key(endpoint: str, values: dict | None = None) -> str:
    """The object a page shows, from its endpoint and view arguments ("advocacy.show:position_id=3").

    A notification is about the object of the page it links to; opening that page (or another
    page registered as showing the same object) reads it."""
    values = dict(values or {})
    alias = current_app.extensions.get(OBJECT_PAGES, {}).get(endpoint) if has_app_context() else None
    if alias is not None:
        endpoint, keys = alias
        values = {key: values[key] for key in keys if key in values}
    return f"{endpoint}:" + "&".join(f"{key}={values[key]}" for key in sorted(values))


@dataclass(frozen=True)
class DigestItem:
    kind: str  # "practice", "session", "cosign", "review", ...: the per-kind privacy rules use it
    title: str
    endpoint: str  # url_for endpoint of the object's page; values hold opaque ids only
    values: dict = field(default_factory=dict)
    summary: str | None = None
    organization_name: str | None = None
    person_name: str | None = None
    when: datetime | None = None
    region_id: int | None = None
    theme_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class DigestSource:
    key: str
    order: int
    heading: object  # a lazy string, e.g. _l("Nouvelles bonnes pratiques")
    collect: Callable[..., list[DigestItem]]  # collect(user, since: datetime) -> items
    # How the member's chosen regions and themes apply: "filter" (keep matching items), "order"
    # (their regions first), "none"; None decides by item kind ("practice": filter, "session": order).
    interests: str | None = None
    # True for items that are not news by themselves (e.g. sessions that still have seats): they
    # appear only in a digest that has something new, never alone.
    standing: bool = False
    # collect_many([(user, since), ...]) -> {user.id: items}: for each member, what
    # collect(user, since) returns; None: the builder calls collect for each member.
    collect_many: Callable[[Sequence[tuple]], dict[int, list[DigestItem]]] | None = None


#: ``app.extensions[DIGEST_SOURCES]``: key -> DigestSource.
DIGEST_SOURCES = "passerelle.digest_sources"


def register_digest_source(
    app: Flask,
    key: str,
    order: int,
    heading,
    collect: Callable[..., list[DigestItem]],
    *,
    interests: str | None = None,
    standing: bool = False,
    collect_many: Callable[[Sequence[tuple]], dict[int, list[DigestItem]]] | None = None,
) -> None:
    app.extensions.setdefault(DIGEST_SOURCES, {})[key] = DigestSource(
        key, order, heading, collect, interests, standing, collect_many
    )


def unregister_digest_source(app: Flask, key: str) -> None:
    """For tests that register sources of their own."""
    app.extensions.get(DIGEST_SOURCES, {}).pop(key, None)


def digest_sources() -> list[DigestSource]:
    return sorted(current_app.extensions.get(DIGEST_SOURCES, {}).values(), key=lambda s: s.order)


# --- calendar sources --------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarEvent:
    """A dated event for a member's calendar. What it shows depends on the member's level for its
    ``content`` (a kind of content of ``mail.privacy``): ``venue`` (a room, a meeting link) at
    "full" only, ``place`` (a town, "online") below it, and at "discreet" a neutral title and no
    location at all."""

    uid: str  # stable across updates: a higher ``sequence`` replaces the event people have
    starts_at: datetime
    ends_at: datetime
    title: str
    content: str
    url: str | None = None
    place: str = ""
    venue: str = ""
    sequence: int = 0
    cancelled: bool = False


CALENDAR_SOURCES = "passerelle.calendar_sources"


def register_calendar_source(app: Flask, key: str, collect: Callable[..., list[CalendarEvent]]) -> None:
    """``collect(user, since) -> [CalendarEvent]``: the member's events from ``since`` on."""
    app.extensions.setdefault(CALENDAR_SOURCES, {})[key] = collect


def calendar_events(user, since: datetime) -> list[CalendarEvent]:
    """Every source's events for the member, by start."""
    found: list[CalendarEvent] = []
    for _key, collect in sorted(current_app.extensions.get(CALENDAR_SOURCES, {}).items()):
        found.extend(collect(user, since))
    return sorted(found, key=lambda event: (event.starts_at, event.uid))


# --- what an organization's directory profile links to ------------------------------------------


@dataclass(frozen=True)
class ProfileLink:
    """One thing an organization's profile links to (a protocol it adopted...)."""

    title: str
    endpoint: str  # url_for endpoint; values hold opaque ids only
    values: dict = field(default_factory=dict)
    note: str | None = None  # a short line shown beside it (a place, a date)


_PROFILE_CONTENT = "passerelle.profile_content"


def register_profile_content(
    app, key: str, order: int, heading, provide: Callable[..., list[ProfileLink]]
) -> None:
    """A feature offers what an organization's profile lists, under ``heading``:
    ``provide(user, organization_id) -> [ProfileLink]``, only what that reader may see."""
    app.extensions.setdefault(_PROFILE_CONTENT, {})[key] = (order, heading, provide)


def profile_content(user, organization_id: int) -> list[tuple[object, list[ProfileLink]]]:
    """(heading, links) of every feature that has something for this profile and reader."""
    found = []
    registered = current_app.extensions.get(_PROFILE_CONTENT, {})
    for _order, heading, provide in sorted(registered.values(), key=lambda entry: entry[0]):
        links = provide(user, organization_id)
        if links:
            found.append((heading, links))
    return found
