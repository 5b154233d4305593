"""Who may see and do what with a practice: the one place these rules live.

A practice belongs to its author's organization. Its members see and edit it in every state.
Everybody else sees it only while it is published to the whole network (DOMAIN rule 3): drafts,
archived, withdrawn and organization-only practices are invisible to other organizations, the
network's team included. Moderators are the network's team for network-wide practices and the
organization's coordinators for organization-only ones.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..accounts.models import User
from .models import Practice, PracticeComment, Status, Visibility


def is_owner(user: User, practice: Practice) -> bool:
    return user.organization_id == practice.organization_id


def can_view(user: User, practice: Practice) -> bool:
    if is_owner(user, practice):
        return True
    if practice.visibility != Visibility.NETWORK:
        return False
    if practice.status == Status.PUBLISHED:
        return True
    # The team that withdrew a network-wide practice still sees it (and its reason).
    return practice.status == Status.WITHDRAWN and user.is_staff


def visible_clause(user: User):
    """SQL twin of ``can_view`` for lists, search, counts and related practices: published only."""
    return sa.and_(
        Practice.status == Status.PUBLISHED,
        sa.or_(Practice.visibility == Visibility.NETWORK, Practice.organization_id == user.organization_id),
    )


def can_edit(user: User, practice: Practice) -> bool:
    return is_owner(user, practice)


def can_moderate(user: User, practice: Practice) -> bool:
    if practice.visibility == Visibility.NETWORK:
        return user.is_staff or user.is_coordinator_of(practice.organization_id)
    return user.is_coordinator_of(practice.organization_id)


def can_discuss(user: User, practice: Practice) -> bool:
    """Comments, « cela m’a été utile », reports: on what the person can see and is published."""
    return can_view(user, practice) and practice.status == Status.PUBLISHED


def can_change_comment(user: User, comment: PracticeComment) -> bool:
    return comment.author_id == user.id or can_moderate(user, comment.practice)


def can_download_attachments(user: User, practice: Practice) -> bool:
    return can_view(user, practice)
