"""Digests: what is new for a member since their last one, decided, presented, sent exactly once.

Three steps kept apart so each can change alone:

* ``build_digest`` decides *what* a member gets: it asks every registered digest source (each
  limited to what that member may see, rule 3), applies the member's regions and themes, and adds
  their unread notifications;
* ``present`` turns that decision into what an email shows (titles, links, summaries): a privacy
  level for email (issue 9) belongs here, not in the decision;
* ``send_batch`` writes the ledger row and the outbox row of each member in one transaction, then
  delivers over one SMTP connection per batch.

Exactly once: the ledger has one row per member and period (a unique constraint), inserted with
``ON CONFLICT DO NOTHING``; only the job that inserted it writes the email, in the same
transaction. A doubled schedule, a retried job or a restarted worker finds the row and skips;
a worker killed before its commit left nothing, so the next planning run sends. Messages
committed but not yet delivered are sent by the outbox's catch-up.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from werkzeug.routing import BuildError

from ..accounts.models import Organization, User
from ..database import is_sqlite, read_intent, utcnow, write_intent
from ..events import DigestItem, digest_sources
from ..extensions import db
from ..i18n import moment
from ..mail import privacy
from ..mail.models import MailStatus, OutboxMessage
from ..mail.privacy import Level, lowest
from ..mail.services import Mailer, RenderedEmail, compose, deliver_due, store_email
from .interests import Interests
from .models import DeliveryStatus, DigestDelivery, Frequency, Notification, NotificationPreference
from .services import email_locale, kind_label
from .tokens import make_unsubscribe_token

log = logging.getLogger(__name__)

MAX_ITEMS_PER_SECTION = 8
MAX_NOTIFICATIONS = 10
SUMMARY_CHARS = 220
TITLE_CHARS = 160
HTML_LIMIT = 20 * 1024
# (items per section, summaries) tried in turn until the HTML is within HTML_LIMIT.
SHORTER = ((None, True), (5, True), (5, False), (3, False), (1, False))
# A member back after a long silence gets at most this much history.
MAX_LOOKBACK = timedelta(days=31)
NOTIFICATIONS_KEY = "notifications"
# Kinds that are not news by themselves: upcoming sessions with seats left come back in every
# digest until they start, so they accompany news but never make a digest alone.
STANDING_KINDS = frozenset({"session"})


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
        query = _recipients().where(NotificationPreference.frequency == Frequency.DAILY, _not_in_ledger(daily))
        due[daily.key] = list(db.session.scalars(query.order_by(User.id)))
    weekly = period_for(Frequency.WEEKLY, local)
    last_weekday = local.weekday() if hour_reached else local.weekday() - 1
    default_weekday = current_app.config["DIGEST_DEFAULT_WEEKDAY"]
    query = _recipients().where(
        sa.or_(NotificationPreference.user_id.is_(None), NotificationPreference.frequency == Frequency.WEEKLY),
        sa.func.coalesce(NotificationPreference.weekday, default_weekday) <= last_weekday,
        _not_in_ledger(weekly),
    )
    due[weekly.key] = list(db.session.scalars(query.order_by(User.id)))
    return {key: ids for key, ids in due.items() if ids}


def batches(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# --- deciding what a member gets -------------------------------------------------------------


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
    is "order" and that lie outside the member's regions moved after the others. Stable: within
    the source's own order (one pass: a chunk runs this for every member and every source)."""
    first: list[DigestItem] = []
    last: list[DigestItem] = []
    fixed = source.interests
    for item in items:
        mode = fixed or _INTEREST_MODES.get(item.kind, "none")
        if mode == "filter":
            if interests.matches(item.region_id, item.theme_ids):
                first.append(item)
        elif mode == "order" and not interests.in_regions(item.region_id):
            last.append(item)
        else:
            first.append(item)
    return first + last


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
            sa.select(ranked).where(ranked.c.rank <= MAX_NOTIFICATIONS).order_by(ranked.c.user_id, ranked.c.rank)
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


# --- presenting it in an email ---------------------------------------------------------------


class EmailLinks:
    """Absolute links for emails, built from ``SERVER_NAME_FOR_EMAIL`` (opaque ids only)."""

    def __init__(self, app) -> None:
        parts = urlsplit(app.config["SERVER_NAME_FOR_EMAIL"].rstrip("/"))
        self.adapter = app.url_map.bind(
            parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https"
        )
        # A batch links to the same practices and sessions for member after member: each link
        # is built once (the unsubscribe links, one per member, are not kept).
        self.built: dict[tuple, str] = {}

    def __call__(self, endpoint: str, **values) -> str:
        try:
            key = (endpoint, *((name, type(value), value) for name, value in sorted(values.items())))
            found = self.built.get(key)
        except TypeError:  # a value that cannot be a key: built each time
            key, found = None, None
        if found is not None:
            return found
        try:
            url = self.adapter.build(endpoint, values, force_external=True)
        except BuildError:
            log.error("digest item with an unknown link (%s): pointing to the home page", endpoint)
            return self.adapter.build("home.index", {}, force_external=True)
        if key is not None and endpoint != "notifications.unsubscribe":
            if len(self.built) >= 20_000:
                self.built.clear()
            self.built[key] = url
        return url


@dataclass(frozen=True)
class ShownItem:
    title: str
    url: str
    label: str | None = None
    summary: str | None = None
    meta: str | None = None


@dataclass(frozen=True)
class ShownSection:
    key: str
    heading: str
    items: list[ShownItem]
    more: int
    more_url: str | None
    hidden: int = 0  # items whose kind of content the network keeps out of emails at this level


def _shorten(text: str | None, limit: int = SUMMARY_CHARS) -> str | None:
    if not text:
        return None
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _when(item: DigestItem) -> str | None:
    if item.when is None:
        return None
    locale = str(get_locale())
    if item.kind == "session":
        return _formatted(item.when, locale, "datetime")
    return _formatted(item.when.astimezone(_network_zone()).date(), locale, "date")


@lru_cache(maxsize=4096)
def _formatted(value, locale: str, kind: str) -> str:
    """Babel's formatting is slow and a batch shows the same dates again and again."""
    return moment(value, "medium") if kind == "datetime" else format_date(value, "long")


def _network_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["NETWORK_TIMEZONE"])


def _show_item(item: DigestItem, links: EmailLinks, level: Level, summaries: bool) -> ShownItem:
    """An item at "full" or "titles": below "full", no summary and no name of a person or an
    organization (the date stays: it says nothing of the content)."""
    label = None
    if item.kind.startswith("notification:"):
        label = str(kind_label(item.kind.split(":", 1)[1]))
    full = level == Level.FULL
    names = (item.organization_name, item.person_name) if full else ()
    meta = " · ".join(x for x in (*names, _when(item)) if x) or None
    return ShownItem(
        title=_shorten(item.title, TITLE_CHARS) or "",
        url=links(item.endpoint, **(item.values or {})),
        label=label,
        summary=_shorten(item.summary) if summaries and full else None,
        meta=meta,
    )


def present(
    digest: Digest,
    links: EmailLinks,
    level: Level = Level.FULL,
    *,
    per_section: int | None = None,
    summaries: bool = True,
) -> list[ShownSection]:
    """What the email shows of each item. Call it in the recipient's locale (``force_locale``).

    ``level`` is the member's (issue 9); each item is shown at the lower of it and the network's
    cap for its kind of content, and an item whose level is "discreet" is only counted. At
    "discreet" nothing is shown at all: the email says how many items wait on the intranet.
    ``per_section`` and ``summaries`` shorten an email that would be too heavy.
    """
    if level == Level.DISCREET:
        return []
    policy = privacy.settings()
    shown = []
    for section in digest.sections:
        visible, hidden = [], 0
        for item in section.items:
            item_level = lowest(level, policy.cap(privacy.content_of_item(item.kind)))
            if item_level == Level.DISCREET:
                hidden += 1
            else:
                visible.append((item, item_level))
        kept = visible if per_section is None else visible[:per_section]
        more_url = links("notifications.index") if section.key == NOTIFICATIONS_KEY else None
        shown.append(
            ShownSection(
                key=section.key,
                heading=str(section.heading),
                items=[_show_item(item, links, item_level, summaries) for item, item_level in kept],
                more=section.more + len(visible) - len(kept),
                more_url=more_url,
                hidden=hidden,
            )
        )
    return shown


def unsubscribe_headers(unsubscribe_url: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058 (one-click: the mail client POSTs to the link, no sign-in)."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def render_digest(
    user: User,
    pref: NotificationPreference | None,
    digest: Digest,
    links: EmailLinks,
    level: Level | None = None,
):
    """The email of a digest in the member's email language and at their level: (rendered, headers).

    The subject and sender are the network's neutral ones; at "discreet" the body is only the
    number of new items and a sign-in link (``mail.services.compose``).
    """
    locale = email_locale(user, pref)
    level = level or privacy.member_level(pref)
    frequency = pref.frequency if pref is not None else Frequency.WEEKLY
    kind = "digest_daily" if frequency == Frequency.DAILY else "digest_weekly"
    unsubscribe_url = links("notifications.unsubscribe", token=make_unsubscribe_token(user))
    count = digest.item_count
    common = {
        "count": count,
        "home_url": links("home.index"),
        "preferences_url": links("notifications.preferences"),
        "unsubscribe_url": unsubscribe_url,
    }
    if level == Level.DISCREET:
        return compose(kind, "notifications_digest", locale=locale, level=level, **common), unsubscribe_headers(
            unsubscribe_url
        )
    with force_locale(locale):
        since = format_date(digest.since, "long")
        intro = _("Voici ce qui est nouveau pour vous depuis le %(date)s.", date=since)
        # Shorter and shorter until the HTML fits: a phone on a metered connection reads it.
        for per_section, summaries in SHORTER:
            rendered = compose(
                kind,
                "notifications_digest",
                locale=locale,
                level=level,
                user_name=user.name,
                sections=present(digest, links, level, per_section=per_section, summaries=summaries),
                since=since,
                intro=intro,
                **common,
            )
            if len(rendered.body_html.encode()) <= HTML_LIMIT:
                break
    return rendered, unsubscribe_headers(unsubscribe_url)


# --- sending a batch, exactly once -----------------------------------------------------------


@dataclass
class Prepared:
    user_id: int
    email: str
    since: datetime
    until: datetime
    item_count: int
    rendered: RenderedEmail | None
    headers: dict
    refused: bool = False


def dedupe_key(user_id: int, period: Period) -> str:
    return f"digest:{user_id}:{period.key}"


def _still_due(pref: NotificationPreference | None, period: Period) -> bool:
    frequency = pref.frequency if pref is not None else Frequency.WEEKLY
    return frequency == period.frequency


def _ledger_insert(rows: list[dict]):
    insert = sqlite_insert if is_sqlite() else pg_insert
    return (
        insert(DigestDelivery)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["user_id", "period_key"])
        .returning(DigestDelivery.id, DigestDelivery.user_id)
    )


def _refused_addresses(addresses: list[str]) -> set[str]:
    """Addresses whose latest message the server refused for good (until the address changes)."""
    if not addresses:
        return set()
    latest = (
        sa.select(sa.func.max(OutboxMessage.id))
        .where(OutboxMessage.to_address.in_(addresses))
        .group_by(OutboxMessage.to_address)
    )
    return set(
        db.session.scalars(
            sa.select(OutboxMessage.to_address).where(
                OutboxMessage.id.in_(latest), OutboxMessage.status == MailStatus.REFUSED
            )
        )
    )


def _prepare(period: Period, user_ids: list[int], links: EmailLinks, counts: dict[str, int]) -> list[Prepared]:
    """Read and render, outside any write lock. Only primitives leave this function."""
    done = set(
        db.session.scalars(
            sa.select(DigestDelivery.user_id).where(
                DigestDelivery.period_key == period.key, DigestDelivery.user_id.in_(user_ids)
            )
        )
    )
    counts["skipped"] += len(done)
    pending_ids = [uid for uid in user_ids if uid not in done]
    if not pending_ids:
        return []
    users = db.session.scalars(
        sa.select(User)
        .join(Organization, Organization.id == User.organization_id)
        .where(User.id.in_(pending_ids), User.active, Organization.active, User.password_hash.is_not(None))
        .order_by(User.id)
    ).all()
    prefs = {
        p.user_id: p
        for p in db.session.scalars(
            sa.select(NotificationPreference).where(NotificationPreference.user_id.in_(pending_ids))
        )
    }
    last_until = dict(
        db.session.execute(
            sa.select(DigestDelivery.user_id, sa.func.max(DigestDelivery.covers_until))
            .where(DigestDelivery.user_id.in_(pending_ids))
            .group_by(DigestDelivery.user_id)
        ).all()
    )
    refused = _refused_addresses([u.email for u in users])
    # One moment for the whole chunk: its digests all end there, so members read alike share
    # their queries (``_collect_chunk``, ``_notifications_of``).
    until = utcnow()
    planned: list[tuple[User, NotificationPreference | None, datetime, bool]] = []
    for user in users:
        pref = prefs.get(user.id)
        if not _still_due(pref, period):
            counts["skipped"] += 1
            continue
        since = max(last_until.get(user.id) or until - period.length, until - MAX_LOOKBACK)
        planned.append((user, pref, since, user.email in refused))
    wanted = [(user, since) for user, _pref, since, is_refused in planned if not is_refused]
    notifications = _notifications_of([(user.id, since) for user, since in wanted], until)
    collected = _collect_chunk(wanted)
    prepared = []
    for user, pref, since, is_refused in planned:
        if is_refused:
            # Flagged for the administrator already; trying every period would only repeat it.
            # Nothing is covered, so a corrected address gets what was missed.
            prepared.append(Prepared(user.id, user.email, since, since, 0, None, {}, refused=True))
            continue
        digest = build_digest(
            user, pref, since, until, collected=collected[user.id], notifications=notifications[user.id]
        )
        rendered, headers = (None, {}) if digest.is_empty else render_digest(user, pref, digest, links)
        prepared.append(Prepared(user.id, user.email, since, until, digest.item_count, rendered, headers))
    counts["skipped"] += len(pending_ids) - len(users)
    return prepared


def _record(period: Period, prepared: list[Prepared], counts: dict[str, int]) -> list[int]:
    """Claim the ledger rows and write the emails, in one short write transaction."""
    write_intent()
    now = utcnow()
    claimed = dict(
        (user_id, ledger_id)
        for ledger_id, user_id in db.session.execute(
            _ledger_insert(
                [
                    {
                        "user_id": p.user_id,
                        "period_key": period.key,
                        "status": DeliveryStatus.REFUSED_ADDRESS
                        if p.refused
                        else DeliveryStatus.QUEUED
                        if p.rendered
                        else DeliveryStatus.EMPTY,
                        "item_count": p.item_count,
                        "covers_since": p.since,
                        "covers_until": p.until,
                        "created_at": now,
                    }
                    for p in prepared
                ]
            )
        ).all()
    )
    written = []
    for p in prepared:
        if p.user_id not in claimed:
            counts["skipped"] += 1  # another run got there first
            continue
        if p.refused:
            counts["refused_address"] += 1
            continue
        if p.rendered is None:
            counts["empty"] += 1
            continue
        message = store_email(
            p.rendered,
            to=p.email,
            kind="digest",
            user_id=p.user_id,
            headers=p.headers,
            dedupe_key=dedupe_key(p.user_id, period),
            deliver=False,
            flush=False,
        )
        written.append((claimed[p.user_id], message))
    db.session.flush()  # the chunk's outbox rows in one INSERT (their ids come back with it)
    message_ids = [message.id for _ledger_id, message in written]
    links = [{"id": ledger_id, "outbox_message_id": message.id} for ledger_id, message in written]
    if links:
        db.session.execute(sa.update(DigestDelivery), links)
    db.session.commit()
    counts["queued"] += len(message_ids)
    return message_ids


def _undelivered(period: Period, user_ids: list[int]) -> list[int]:
    """Digests of these members already written but not sent (an earlier run was interrupted)."""
    keys = [dedupe_key(uid, period) for uid in user_ids]
    return list(
        db.session.scalars(
            sa.select(OutboxMessage.id).where(
                OutboxMessage.dedupe_key.in_(keys), OutboxMessage.status == MailStatus.PENDING
            )
        )
    )


def send_batch(period_key: str, user_ids: Iterable[int], *, chunk_size: int | None = None) -> dict[str, int]:
    """Build, record and deliver the digests of a batch of members for one period.

    Each chunk of members is rendered, then recorded in one transaction, then delivered over the
    batch's single SMTP connection, so memory stays flat and a kill loses at most one chunk of
    work (never a send: what was not committed is redone, what was committed is not).
    """
    period = parse_period(period_key)
    ids = sorted({int(u) for u in user_ids})
    size = chunk_size or current_app.config["DIGEST_CHUNK_SIZE"]
    links = EmailLinks(current_app)
    counts = {
        "queued": 0,
        "empty": 0,
        "skipped": 0,
        "refused_address": 0,
        "sent": 0,
        "retry": 0,
        "refused": 0,
        "failed": 0,
    }
    with Mailer() as mailer:
        for chunk in batches(ids, size):
            read_intent()  # reading and rendering must not hold SQLite's write lock
            pending = _undelivered(period, chunk)
            prepared = _prepare(period, chunk, links, counts)
            db.session.rollback()  # end the reading transaction before taking the write lock
            message_ids = pending + (_record(period, prepared, counts) if prepared else [])
            if message_ids:
                for key, value in deliver_due(ids=message_ids, mailer=mailer).items():
                    counts[key] += value
    return counts


def next_digest(user: User) -> Digest:
    """What the member's next digest would hold if it were sent now (nothing is recorded)."""
    pref = db.session.get(NotificationPreference, user.id)
    period = Period("preview", pref.frequency if pref and pref.frequency != Frequency.NEVER else Frequency.WEEKLY)
    until = utcnow()
    last = db.session.scalar(
        sa.select(sa.func.max(DigestDelivery.covers_until)).where(DigestDelivery.user_id == user.id)
    )
    since = max(last or until - period.length, until - MAX_LOOKBACK)
    return build_digest(user, pref, since, until)


# --- what was sent (for the administrator) ---------------------------------------------------


@dataclass
class PeriodReport:
    key: str
    label: str
    recorded: dict[str, int] = field(default_factory=dict)  # ledger status -> members
    delivery: dict[str, int] = field(default_factory=dict)  # outbox status -> digests
    waiting: int = 0  # due now and not yet in the ledger


def period_label(key: str) -> str:
    period = parse_period(key)
    if period.frequency == Frequency.DAILY:
        return format_date(datetime.fromisoformat(key[1:]).date(), "long")
    year, week = key[1:].split("-W")
    return _("Semaine %(week)s de %(year)s", week=int(week), year=year)


def ledger_report(limit: int = 10, now: datetime | None = None) -> list[PeriodReport]:
    """The latest periods: members recorded by outcome, digests by delivery status, and who waits."""
    latest = (
        sa.select(DigestDelivery.period_key, sa.func.max(DigestDelivery.created_at).label("last"))
        .group_by(DigestDelivery.period_key)
        .order_by(sa.text("last DESC"))
        .limit(limit)
    )
    keys = [key for key, _last in db.session.execute(latest)]
    waiting = {key: len(ids) for key, ids in due_members(now).items()}
    keys += [key for key in waiting if key not in keys]
    reports = {key: PeriodReport(key, period_label(key), waiting=waiting.get(key, 0)) for key in keys}
    for key, status, count in db.session.execute(
        sa.select(DigestDelivery.period_key, DigestDelivery.status, sa.func.count())
        .where(DigestDelivery.period_key.in_(keys))
        .group_by(DigestDelivery.period_key, DigestDelivery.status)
    ):
        reports[key].recorded[DeliveryStatus(status).value] = count
    for key, status, count in db.session.execute(
        sa.select(DigestDelivery.period_key, OutboxMessage.status, sa.func.count())
        .join(OutboxMessage, OutboxMessage.id == DigestDelivery.outbox_message_id)
        .where(DigestDelivery.period_key.in_(keys))
        .group_by(DigestDelivery.period_key, OutboxMessage.status)
    ):
        reports[key].delivery[MailStatus(status).value] = count
    return list(reports.values())
