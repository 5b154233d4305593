"""Recording what a person confirmed, for the moderators' queue (adds and flushes, never commits)."""

from __future__ import annotations

from ..extensions import db
from .detect import Finding, scan
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
