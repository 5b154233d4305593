"""Presenting a digest in an email: what each item shows at the member's level (issue 9), links
built for email, and the rendered email within its size limit."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale, format_date, get_locale
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from ...accounts.models import User
from ...events import DigestItem
from ...i18n import moment
from ...mail import privacy
from ...mail.privacy import Level, lowest
from ...mail.services import compose
from ..models import Frequency, NotificationPreference
from ..services import email_locale, kind_label
from ..tokens import make_unsubscribe_token
from .building import NOTIFICATIONS_KEY, Digest

log = logging.getLogger(__name__)

SUMMARY_CHARS = 220
TITLE_CHARS = 160
HTML_LIMIT = 20 * 1024
# (items per section, summaries) tried in turn until the HTML is within HTML_LIMIT.
SHORTER = ((None, True), (5, True), (5, False), (3, False), (1, False))


class EmailLinks:
    """Absolute links for emails, built from ``SERVER_NAME_FOR_EMAIL`` (opaque ids only)."""

    def __init__(self, app) -> None:
        parts = urlsplit(app.config["SERVER_NAME_FOR_EMAIL"].rstrip("/"))
        self.adapter = app.url_map.bind(
            parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https"
        )
        # A batch links to the same practices and sessions for member after member: each link
        # is built once (the unsubscribe links, one per member, are not kept), and each item is
        # shown once per level and language (``present``).
        self.built: dict[tuple, str] = {}
        self.shown: dict[tuple, ShownItem] = {}

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


def _shown(item: DigestItem, links: EmailLinks, level: Level, summaries: bool, locale: str) -> ShownItem:
    """``_show_item``, remembered for the batch: what an item shows depends only on its content,
    the level, the summaries and the language (its date and label are in that language)."""
    try:
        values = tuple((name, type(value), value) for name, value in sorted((item.values or {}).items()))
        key = (
            item.kind, item.title, item.endpoint, values, item.summary, item.organization_name,
            item.person_name, item.when, level, summaries, locale,
        )  # fmt: skip
        memo = links.shown
        found = memo.get(key)
    except (TypeError, AttributeError):  # a value that cannot be a key, links without a memo
        return _show_item(item, links, level, summaries)
    if found is None:
        found = _show_item(item, links, level, summaries)
        if len(memo) >= 20_000:
            memo.clear()
        memo[key] = found
    return found


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
    locale = str(get_locale())
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
                items=[_shown(item, links, item_level, summaries, locale) for item, item_level in kept],
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
    # The template context both bodies share (compose reads count, the rest goes to the template).
    common: dict[str, Any] = {
        "count": count,
        "home_url": links("home.index"),
        "preferences_url": links("notifications.preferences"),
        "unsubscribe_url": unsubscribe_url,
    }
    if level == Level.DISCREET:
        return compose(
            kind, "notifications_digest", locale=locale, level=level, **common
        ), unsubscribe_headers(unsubscribe_url)
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
            assert rendered.body_html is not None  # compose renders the HTML body unless html=False
            if len(rendered.body_html.encode()) <= HTML_LIMIT:
                break
    return rendered, unsubscribe_headers(unsubscribe_url)
