"""Deciding what a member gets: each digest source's items (only what the member may see),
filtered and ordered by their interests, and their unread notifications."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...accounts.models import User
from ...database import utcnow
from ...events import DigestItem, digest_sources
from ...extensions import db
from ..interests import Interests
from ..models import DigestDelivery, Frequency, Notification, NotificationPreference
from .periods import Period

MAX_ITEMS_PER_SECTION = 8
MAX_NOTIFICATIONS = 10
# A member back after a long silence gets at most this much history.
MAX_LOOKBACK = timedelta(days=31)
NOTIFICATIONS_KEY = "notifications"
# Kinds that are not news by themselves: upcoming sessions with seats left come back in every
# digest until they start, so they accompany news but never make a digest alone.
STANDING_KINDS = frozenset({"session"})


@dataclass
class DigestSection:
    key: str
    heading: object
    items: list[DigestItem]
    more: int = 0  # items left out to keep the email short
    standing: bool = False


@dataclass
class Digest:
    user_id: int
    since: datetime
    until: datetime
    sections: list[DigestSection] = field(default_factory=list)

    @property
    def item_count(self) -> int:
        return sum(len(s.items) + s.more for s in self.sections)

    @property
    def is_empty(self) -> bool:
        return not self.sections


# How a source's items follow the member's interests when the source does not say (by item kind).
_INTEREST_MODES = {"practice": "filter", "session": "order"}


def _apply_interests(source, items: list[DigestItem], interests: Interests) -> list[DigestItem]:
    """Items whose mode is "filter" kept when they match the member's interests; those whose mode
    is "order" all kept, the member's regions first, and within them the themes they follow
    (one list of themes for every feature: an id means the same theme everywhere). Stable: within
    the source's own order (one pass: a chunk runs this for every member and every source)."""
    first: list[DigestItem] = []
    off_theme: list[DigestItem] = []
    last: list[DigestItem] = []
    fixed = source.interests
    for item in items:
        mode = fixed or _INTEREST_MODES.get(item.kind, "none")
        if mode == "filter":
            if interests.matches(item.region_id, item.theme_ids):
                first.append(item)
        elif mode == "order" and not interests.in_regions(item.region_id):
            last.append(item)
        elif mode == "order" and not interests.matches(item.region_id, item.theme_ids):
            off_theme.append(item)
        else:
            first.append(item)
    return first + off_theme + last


def _notification_items(user: User, since: datetime, until: datetime) -> tuple[list[DigestItem], int]:
    return _notifications_of([(user.id, since)], until)[user.id]


def _notifications_of(
    requests: Iterable[tuple[int, datetime]], until: datetime
) -> dict[int, tuple[list[DigestItem], int]]:
    """Unread notifications of members, each between their own ``since`` and ``until``: the latest
    ``MAX_NOTIFICATIONS`` of each and how many more. One query for all the members that share a
    ``since`` (in a chunk, nearly all of them), each member's rows ranked apart (a window)."""
    by_since: dict[datetime, list[int]] = {}
    for user_id, since in requests:
        by_since.setdefault(since, []).append(user_id)
    found: dict[int, tuple[list[DigestItem], int]] = {}
    for since, user_ids in by_since.items():
        member = Notification.user_id
        ranked = (
            sa.select(
                member,
                Notification.kind,
                Notification.title,
                Notification.endpoint,
                Notification.values,
                Notification.created_at,
                sa.func.row_number()
                .over(partition_by=member, order_by=(Notification.created_at.desc(), Notification.id.desc()))
                .label("rank"),
                sa.func.count().over(partition_by=member).label("total"),
            )
            .where(
                member.in_(user_ids),
                Notification.read_at.is_(None),
                Notification.created_at > since,
                Notification.created_at <= until,
            )
            .subquery()
        )
        rows = db.session.execute(
            sa.select(ranked)
            .where(ranked.c.rank <= MAX_NOTIFICATIONS)
            .order_by(ranked.c.user_id, ranked.c.rank)
        ).all()
        items: dict[int, list[DigestItem]] = {user_id: [] for user_id in user_ids}
        totals: dict[int, int] = {}
        for row in rows:
            items[row.user_id].append(
                DigestItem(
                    kind=f"notification:{row.kind}",
                    title=row.title,
                    endpoint=row.endpoint,
                    values=dict(row.values or {}),
                    when=row.created_at,
                )
            )
            totals[row.user_id] = row.total
        for user_id in user_ids:
            found[user_id] = (items[user_id], totals.get(user_id, 0) - len(items[user_id]))
    return found


def _collect_chunk(requests: list[tuple[User, datetime]]) -> dict[int, dict[str, list[DigestItem]]]:
    """What every source has for each member of a chunk: {user id: {source key: items}}.

    A source with ``collect_many`` answers for the whole chunk at once (its contract: for each
    member, exactly what ``collect`` returns); the others are asked member by member.
    """
    found: dict[int, dict[str, list[DigestItem]]] = {user.id: {} for user, _since in requests}
    for source in digest_sources():
        if source.collect_many is not None and requests:
            by_user = source.collect_many(requests)
            for user, _since in requests:
                found[user.id][source.key] = list(by_user[user.id])
        else:
            for user, since in requests:
                found[user.id][source.key] = list(source.collect(user, since))
    return found


def build_digest(
    user: User,
    pref: NotificationPreference | None,
    since: datetime,
    until: datetime,
    *,
    collected: dict[str, list[DigestItem]] | None = None,
    notifications: tuple[list[DigestItem], int] | None = None,
) -> Digest:
    """What is new for ``user`` since ``since``: only what they may see, matching their interests.

    ``collected`` (items by source key) and ``notifications`` are what a chunk read for this
    member beforehand (``_collect_chunk``, ``_notifications_of``); without them, each source and
    the notifications are asked now.
    """
    digest = Digest(user.id, since, until)
    interests = Interests.of(user, pref)
    items, more = notifications if notifications is not None else _notification_items(user, since, until)
    if items:
        digest.sections.append(DigestSection(NOTIFICATIONS_KEY, _l("Pour vous"), items, more))
    for source in digest_sources():
        if collected is not None and source.key in collected:
            collected_items = list(collected[source.key])
        else:
            collected_items = list(source.collect(user, since))
        found = _apply_interests(source, collected_items, interests)
        if found:
            digest.sections.append(
                DigestSection(
                    source.key,
                    source.heading,
                    found[:MAX_ITEMS_PER_SECTION],
                    max(len(found) - MAX_ITEMS_PER_SECTION, 0),
                    source.standing or all(item.kind in STANDING_KINDS for item in found),
                )
            )
    if all(section.standing for section in digest.sections):
        digest.sections = []  # nothing new: no digest
    return digest


def next_digest(user: User) -> Digest:
    """What the member's next digest would hold if it were sent now (nothing is recorded)."""
    pref = db.session.get(NotificationPreference, user.id)
    period = Period(
        "preview", pref.frequency if pref and pref.frequency != Frequency.NEVER else Frequency.WEEKLY
    )
    until = utcnow()
    last = db.session.scalar(
        sa.select(sa.func.max(DigestDelivery.covers_until)).where(DigestDelivery.user_id == user.id)
    )
    since = max(last or until - period.length, until - MAX_LOOKBACK)
    return build_digest(user, pref, since, until)
