"""Who may see and do what with advocacy texts: the one place that says it.

* The owning organization's members see and edit their texts while they are editable.
* Network staff see a text once it has been submitted, and review, approve, publish and archive it.
* Everybody signed in sees a published (or archived) text, and an approved text that the staff
  opened for co-signing; never its versions, review comments or history, which stay with the
  owning organization and the staff.
* The author and the coordinators of the owning organization submit it.
* Coordinators of other organizations sign it on behalf of their organization.
"""

from __future__ import annotations

from datetime import date

from ..accounts.models import User
from .models import Position, Status

# action -> (statuses it leaves from, status it leads to, who: "owner" or "staff")
TRANSITIONS: dict[str, tuple[tuple[Status, ...], Status, str]] = {
    "submit": ((Status.DRAFT,), Status.SUBMITTED, "owner"),
    "resubmit": ((Status.CHANGES_REQUESTED,), Status.RESUBMITTED, "owner"),
    "start_review": ((Status.SUBMITTED, Status.RESUBMITTED), Status.IN_REVIEW, "staff"),
    "request_changes": ((Status.IN_REVIEW,), Status.CHANGES_REQUESTED, "staff"),
    "approve": ((Status.IN_REVIEW,), Status.APPROVED, "staff"),
    "publish": ((Status.APPROVED,), Status.PUBLISHED, "staff"),
    "archive": ((Status.PUBLISHED,), Status.ARCHIVED, "staff"),
}

EDITABLE = (Status.DRAFT, Status.CHANGES_REQUESTED)


def is_member_of_owner(user: User, position: Position) -> bool:
    return user.is_authenticated and user.organization_id == position.organization_id


def can_view(user: User, position: Position) -> bool:
    if not user.is_authenticated:
        return False
    if position.is_public:
        return True
    if is_member_of_owner(user, position):
        return True
    if user.is_staff and position.submitted_at is not None:
        return True
    return position.status == Status.APPROVED and position.cosign_open


def can_view_history(user: User, position: Position) -> bool:
    """Versions, review comments, transitions and earlier briefs: the owner and the staff only."""
    if not user.is_authenticated:
        return False
    return is_member_of_owner(user, position) or (user.is_staff and position.submitted_at is not None)


def can_edit(user: User, position: Position) -> bool:
    return is_member_of_owner(user, position) and position.status in EDITABLE


def can_comment(user: User, position: Position) -> bool:
    return can_view_history(user, position) and not position.is_public


def can_transition(user: User, position: Position, action: str) -> bool:
    rule = TRANSITIONS.get(action)
    if rule is None or not user.is_authenticated:
        return False
    sources, _target, who = rule
    if position.status not in sources:
        return False
    if who == "staff":
        return user.is_staff and position.submitted_at is not None
    return (position.author_id == user.id and is_member_of_owner(user, position)) or user.is_coordinator_of(
        position.organization_id
    )


def allowed_actions(user: User, position: Position) -> list[str]:
    return [action for action in TRANSITIONS if can_transition(user, position, action)]


def can_manage_cosigning(user: User, position: Position) -> bool:
    return user.is_authenticated and user.is_staff and position.status in (Status.APPROVED, Status.PUBLISHED)


def cosigning_is_open(position: Position, today: date) -> bool:
    return (
        position.cosign_open
        and position.status in (Status.APPROVED, Status.PUBLISHED)
        and (position.cosign_closes_on is None or today <= position.cosign_closes_on)
    )


def can_sign(user: User, position: Position, today: date) -> bool:
    """A coordinator signs for their own organization, which is not the one that wrote the text."""
    return (
        user.is_authenticated
        and user.is_coordinator_of(user.organization_id)
        and user.organization_id != position.organization_id
        and cosigning_is_open(position, today)
        and can_view(user, position)
    )


def can_request_brief(user: User, position: Position) -> bool:
    return can_view(user, position) and position.latest_version is not None


def can_manage_attachments(user: User, position: Position) -> bool:
    return can_edit(user, position)
