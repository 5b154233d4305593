"""What the guard keeps and shows the moderators: the kinds of findings a person confirmed, never
the text. Services add and flush, never commit.

Features name their objects for the moderators' queue with ``register_object(app, table, label,
link, titles=None)`` (``intranet.objects``, the registry the audit log reads too):
``link(object_id, user)`` answers the object's URL for that moderator, or None when the object is
gone or is not theirs to see (an organization's private practice).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ..database import utcnow
from ..extensions import db
from ..objects import object_kinds
from .detect import KIND_LABELS, Finding, scan
from .models import GuardConfirmation


def record_confirmed(form, *, user, obj) -> GuardConfirmation | None:
    """After the object was flushed: note the kinds ``form``'s author confirmed. None when none."""
    kinds = form.confirmed_kinds
    if not kinds:
        return None
    record = GuardConfirmation(
        user_id=getattr(user, "id", None),
        organization_id=getattr(user, "organization_id", None),
        object_type=obj.__tablename__,
        object_id=obj.id,
        kinds=",".join(kinds),
    )
    db.session.add(record)
    db.session.flush()
    return record


def check_text(text: str | None, refuse: tuple[str, ...] | str = ()) -> list[Finding]:
    """For text that comes from no form (an email reply, an import): the findings a caller must
    refuse (``refuse`` kinds, or all of them with ``"all"``), or every finding when ``refuse`` is empty."""
    findings = scan(text)
    if not refuse:
        return findings
    return [f for f in findings if refuse == "all" or f.kind in refuse]


# --- the moderators' queue ------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueItem:
    record: GuardConfirmation
    label: object
    url: str | None
    kinds: list

    @property
    def id(self) -> int:
        return self.record.id


def confirmations_for(obj) -> list[GuardConfirmation]:
    """What was confirmed on one object, newest first (for its reviewers)."""
    return list(
        db.session.scalars(
            sa.select(GuardConfirmation)
            .where(GuardConfirmation.object_type == obj.__tablename__, GuardConfirmation.object_id == obj.id)
            .order_by(GuardConfirmation.id.desc())
        )
    )


def kind_labels(record: GuardConfirmation) -> list:
    return [KIND_LABELS.get(kind, kind) for kind in record.kinds.split(",") if kind]


def open_confirmations(user, limit: int = 200) -> list[QueueItem]:
    """Confirmed findings not yet reviewed, oldest first, for a staff moderator."""
    if not getattr(user, "is_staff", False):
        return []
    objects = object_kinds()
    records = db.session.scalars(
        sa.select(GuardConfirmation)
        .where(GuardConfirmation.reviewed_at.is_(None))
        .order_by(GuardConfirmation.id)
        .limit(limit)
    )
    items = []
    for record in records:
        kind = objects.get(record.object_type)
        items.append(
            QueueItem(
                record=record,
                label=kind.label if kind else record.object_type,
                url=kind.link(record.object_id, user) if kind else None,
                kinds=kind_labels(record),
            )
        )
    return items


def get_confirmation(record_id: int) -> GuardConfirmation | None:
    return db.session.get(GuardConfirmation, record_id)


def mark_reviewed(user, record: GuardConfirmation) -> None:
    if record.reviewed_at is None:
        record.reviewed_at = utcnow()
        record.reviewed_by_id = user.id
        db.session.flush()
