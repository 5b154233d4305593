"""Notifications and digest preferences: the rules, callable from views, jobs and the CLI.

Functions take the acting user, add and flush, and never commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ..accounts.models import User
from ..database import page_of, rowcount, utcnow
from ..events import object_key as page_object_key
from ..extensions import db
from ..mail.privacy import Level, recipient_locale
from .models import Frequency, Notification, NotificationPreference

PAGE_SIZE = 20
KEEP_READ_DAYS = 90
KEEP_UNREAD_DAYS = 365

# How each kind of notification is named. Features add theirs with ``register_kind`` (kept in
# ``app.extensions[KINDS]``); an unknown kind is still shown, under a generic label.
_KIND_LABELS: dict[str, object] = {
    "waitlist_promoted": _l("Place obtenue en formation"),
    "training_cancelled": _l("Séance annulée"),
    "practice_comment": _l("Commentaire sur votre pratique"),
    "practice_withdrawn": _l("Pratique retirée par l’équipe"),
    "practice_report": _l("Signalement à examiner"),
    "draft_reviewed": _l("Révision de votre brouillon"),
    "cosign_request": _l("Demande de cosignature"),
    "advocacy_cosign_open": _l("Demande de cosignature"),
    "advocacy_submit": _l("Brouillon à réviser"),
    "advocacy_resubmit": _l("Brouillon à réviser"),
    "advocacy_start_review": _l("Révision de votre brouillon"),
    "advocacy_request_changes": _l("Modifications demandées sur votre brouillon"),
    "advocacy_approve": _l("Brouillon approuvé"),
    "advocacy_publish": _l("Texte de plaidoyer publié"),
    "advocacy_archive": _l("Texte de plaidoyer archivé"),
    "advocacy_comment": _l("Commentaire sur un texte de plaidoyer"),
}
GENERIC_LABEL = _l("Avis")

# How a notification that holds several events is named ("3 commentaires sur votre pratique"):
# kind -> n -> text, through ngettext so that each language has its plural forms.
_COUNTED_LABELS: dict[str, Callable[[int], str]] = {
    "practice_comment": lambda n: ngettext(
        "%(num)s commentaire sur votre pratique", "%(num)s commentaires sur votre pratique", n
    ),
    "advocacy_comment": lambda n: ngettext(
        "%(num)s commentaire sur un texte de plaidoyer", "%(num)s commentaires sur un texte de plaidoyer", n
    ),
    "practice_report": lambda n: ngettext(
        "%(num)s signalement à examiner", "%(num)s signalements à examiner", n
    ),
}


KINDS = "passerelle.notification_kinds"


def register_kind(app: Flask, kind: str, label, counted=None) -> None:
    """Name a kind of notification; ``counted(n)`` names one that holds ``n`` events (ngettext)."""
    labels, counted_labels = app.extensions.setdefault(KINDS, ({}, {}))
    labels[kind] = label
    if counted is not None:
        counted_labels[kind] = counted


def kind_label(kind: str, count: int = 1):
    labels, counted_labels = current_app.extensions.get(KINDS, ({}, {}))
    label = labels.get(kind) or _KIND_LABELS.get(kind, GENERIC_LABEL)
    if count > 1:
        counted = counted_labels.get(kind) or _COUNTED_LABELS.get(kind)
        if counted is not None:
            return counted(count)
        return f"{label} · " + ngettext("%(num)s fois", "%(num)s fois", count)
    return label


# --- notifications ---------------------------------------------------------------------------


def store_notifications(
    *,
    user_ids,
    kind: str,
    title: str,
    endpoint: str,
    values: dict | None = None,
    actor_id: int | None = None,
    organization_id: int | None = None,
    object_key: str | None = None,
    retires=(),
) -> list[Notification]:
    """One notification per member concerned, object and kind, in the caller's transaction.

    A member who already has one of this kind about this object gets it back on top, unread,
    counting one more event if it was still unread (``count``); nobody is told of their own act.
    ``retires`` names kinds about the same object that this event makes stale, for everyone.
    """
    kind = kind[:40]
    key = (object_key or page_object_key(endpoint, values))[:160]
    if retires:
        retire(key, [k for k in retires if k != kind])
    ids = sorted({int(u) for u in user_ids or ()} - {actor_id})
    if not ids:
        return []
    existing = {
        n.user_id: n
        for n in db.session.scalars(
            sa.select(Notification).where(
                Notification.user_id.in_(ids), Notification.kind == kind, Notification.object_key == key
            )
        )
    }
    now = utcnow()
    rows = []
    for user_id in ids:
        row = existing.get(user_id)
        if row is None:
            row = Notification(user_id=user_id, kind=kind, object_key=key, count=1, created_at=now)
            db.session.add(row)
        else:
            row.count = (row.count or 1) + 1 if row.read_at is None else 1
            row.read_at = None
            row.created_at = now
        row.title = (title or "")[:300]
        row.endpoint = endpoint
        row.values = dict(values or {})
        row.actor_id = actor_id
        row.organization_id = organization_id
        rows.append(row)
    db.session.flush()
    return rows


def retire(object_key: str, kinds) -> int:
    """Remove, for every member, the notifications of ``kinds`` about an object: they no longer hold."""
    kinds = [k[:40] for k in kinds or ()]
    if not kinds:
        return 0
    result = db.session.execute(
        sa.delete(Notification)
        .where(Notification.object_key == object_key[:160], Notification.kind.in_(kinds))
        .execution_options(synchronize_session="fetch")  # the session forgets the rows removed
    )
    return rowcount(result)


def on_notify(_sender, **kwargs) -> None:
    """Receiver of ``intranet.events.notify``."""
    store_notifications(
        user_ids=kwargs.get("user_ids") or (),
        kind=kwargs["kind"],
        title=kwargs.get("title") or "",
        endpoint=kwargs["endpoint"],
        values=kwargs.get("values"),
        actor_id=kwargs.get("actor_id"),
        organization_id=kwargs.get("organization_id"),
        object_key=kwargs.get("object_key"),
        retires=kwargs.get("retires") or (),
    )


def on_retire(_sender, **kwargs) -> None:
    """Receiver of ``intranet.events.retire``."""
    retire(kwargs["object_key"], kwargs.get("kinds") or ())


def mark_opened(user: User, endpoint: str, values: dict | None) -> int:
    """The member opened the page of an object: its notifications are read (one UPDATE, only
    when there is something to mark; callers in a read request wrap it in ``separate_write``)."""
    result = db.session.execute(
        sa.update(Notification)
        .where(
            Notification.user_id == user.id,
            Notification.object_key == page_object_key(endpoint, values)[:160],
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return rowcount(result)


def has_unread_about(user: User, endpoint: str, values: dict | None) -> bool:
    return (
        db.session.scalar(
            sa.select(Notification.id)
            .where(
                Notification.user_id == user.id,
                Notification.object_key == page_object_key(endpoint, values)[:160],
                Notification.read_at.is_(None),
            )
            .limit(1)
        )
        is not None
    )


def unread_count(user: User) -> int:
    return db.session.execute(
        sa.select(sa.func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    ).scalar_one()


def recent_unread(user: User, limit: int = 3) -> list[Notification]:
    """The newest unread notifications, one per object (the home page's "Pour vous")."""
    rows = db.session.scalars(
        sa.select(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit * 5)
    )
    shown: dict[str, Notification] = {}
    for row in rows:
        shown.setdefault(row.object_key or f"#{row.id}", row)
        if len(shown) == limit:
            break
    return list(shown.values())


@dataclass
class NotificationPage:
    items: list[Notification]
    page: int
    pages: int
    total: int
    unread: int


def list_for(user: User, page: int = 1) -> NotificationPage:
    """Unread first, then newest first."""
    found = page_of(
        sa.select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.read_at.is_not(None), Notification.created_at.desc(), Notification.id.desc()),
        page,
        PAGE_SIZE,
    )
    return NotificationPage(
        found.items, found.page, max(found.pages, 1), found.total or 0, unread_count(user)
    )


def mark_read(user: User, notification: Notification) -> None:
    if notification.user_id != user.id:
        raise PermissionError("not this member's notification")
    if notification.read_at is None:
        notification.read_at = utcnow()


def mark_all_read(user: User) -> int:
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return rowcount(result)


def prune(now=None) -> int:
    """Forget read notifications after 90 days and unread ones after a year."""
    now = now or utcnow()
    result = db.session.execute(
        sa.delete(Notification).where(
            sa.or_(
                sa.and_(
                    Notification.read_at.is_not(None),
                    Notification.read_at < now - timedelta(days=KEEP_READ_DAYS),
                ),
                Notification.created_at < now - timedelta(days=KEEP_UNREAD_DAYS),
            )
        )
    )
    return rowcount(result)


# --- preferences -----------------------------------------------------------------------------


def preferences_of(user: User) -> NotificationPreference | None:
    return db.session.get(NotificationPreference, user.id)


def effective_preferences(user: User) -> NotificationPreference:
    """The member's row, or an unsaved one holding the defaults (weekly, their region, all themes)."""
    pref = preferences_of(user)
    if pref is None:
        pref = NotificationPreference(
            user_id=user.id,
            frequency=Frequency.WEEKLY,
            weekday=0,
            locale=None,
            all_regions=False,
            region_ids=[user.organization.region_id],
            theme_ids=[],
        )
    return pref


def email_locale(user: User, pref: NotificationPreference | None) -> str:
    return recipient_locale(pref, user.locale)


def update_preferences(
    user: User,
    *,
    frequency: Frequency,
    weekday: int,
    locale: str | None,
    all_regions: bool,
    region_ids: list[int],
    theme_ids: list[int],
    email_level: str | None = None,
) -> NotificationPreference:
    """Save the member's choices; ``email_level`` None follows the network's default."""
    pref = preferences_of(user)
    if pref is None:
        pref = NotificationPreference(user_id=user.id)
        db.session.add(pref)
    pref.frequency = frequency
    pref.weekday = weekday % 7
    pref.locale = locale
    pref.all_regions = all_regions
    pref.region_ids = sorted({int(r) for r in region_ids})
    pref.theme_ids = sorted({int(t) for t in theme_ids})
    pref.email_level = Level(email_level).value if email_level else None
    if frequency != Frequency.NEVER:
        pref.unsubscribed_at = None
    db.session.flush()
    return pref


def save_first_choices(
    user: User, *, frequency: Frequency, email_level: str | None
) -> NotificationPreference:
    """The first visit's answers: the digest's frequency and the email level (None: the network's);
    everything else stays at its default."""
    pref = effective_preferences(user)
    return update_preferences(
        user,
        frequency=frequency,
        weekday=pref.weekday,
        locale=pref.locale,
        all_regions=pref.all_regions,
        region_ids=list(pref.region_ids or []),
        theme_ids=list(pref.theme_ids or []),
        email_level=email_level,
    )


def unsubscribe(user: User) -> bool:
    """Stop the digest. Returns False when it was already stopped (the link may be used twice)."""
    pref = preferences_of(user)
    if pref is None:
        pref = effective_preferences(user)
        db.session.add(pref)
    if pref.frequency == Frequency.NEVER:
        return False
    pref.frequency = Frequency.NEVER
    pref.unsubscribed_at = utcnow()
    db.session.flush()
    return True
