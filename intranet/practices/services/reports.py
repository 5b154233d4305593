"""Reports (moderation): who moderates a practice, reporting, the open reports, resolving."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ... import events
from ...accounts.models import Role, User
from ...database import utcnow
from ...extensions import db
from .. import policy
from ..models import Practice, PracticeComment, PracticeReport, Visibility
from .common import PracticeError


def moderators_of(practice: Practice) -> list[int]:
    coordinators = sa.select(User.id).where(
        User.active, User.role == Role.COORDINATOR, User.organization_id == practice.organization_id
    )
    if practice.visibility == Visibility.NETWORK:
        staff = sa.select(User.id).where(User.active, User.role.in_([Role.STAFF, Role.ADMIN]))
        return sorted(set(db.session.scalars(staff)))
    return sorted(set(db.session.scalars(coordinators)))


def report(
    user: User, practice: Practice, reason: str, comment: PracticeComment | None = None
) -> PracticeReport:
    if not policy.can_view(user, practice):
        raise PracticeError(_l("Cette pratique n’est pas disponible."))
    item = PracticeReport(
        practice_id=practice.id,
        comment_id=comment.id if comment else None,
        reporter_id=user.id,
        reason=reason.strip(),
    )
    db.session.add(item)
    db.session.flush()
    recipients = [uid for uid in moderators_of(practice) if uid != user.id]
    if recipients:
        events.notify.send(
            None,
            user_ids=recipients,
            kind="practice_report",
            title=practice.title,
            endpoint="practices.reports",
            values={},
            actor_id=user.id,
            organization_id=practice.organization_id,
        )
    return item


def _open_reports_query(user: User, columns) -> sa.Select | None:
    """Reports this person moderates: network-wide practices for the team, the organization's
    organization-only practices for its coordinators (None: none at all)."""
    conditions = []
    if user.is_staff:
        conditions.append(Practice.visibility == Visibility.NETWORK)
    if user.role == Role.COORDINATOR:
        conditions.append(Practice.organization_id == user.organization_id)
    if not conditions:
        return None
    return (
        sa.select(columns)
        .join(Practice, Practice.id == PracticeReport.practice_id)
        .where(PracticeReport.resolved_at.is_(None), sa.or_(*conditions))
    )


def open_reports(user: User) -> list[PracticeReport]:
    query = _open_reports_query(user, PracticeReport)
    if query is None:
        return []
    return list(db.session.scalars(query.order_by(PracticeReport.created_at).limit(200)))


def count_open_reports(user: User) -> int:
    """How many reports wait for this person (the staff desk)."""
    query = _open_reports_query(user, sa.func.count(PracticeReport.id))
    return 0 if query is None else db.session.scalar(query) or 0


def resolve_report(user: User, item: PracticeReport) -> None:
    if not policy.can_moderate(user, item.practice):
        raise PracticeError(_l("Vous ne pouvez pas traiter ce signalement."))
    item.resolved_at = utcnow()
    item.resolved_by_id = user.id
    db.session.flush()
