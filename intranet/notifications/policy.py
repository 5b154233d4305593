"""Who may see and change what in notifications: one readable place.

A notification belongs to one member; nobody else (not staff, not administrators) may see it or
mark it read, and a refusal is a 404 (``intranet.security.require``) so nothing says it exists.
"""

from __future__ import annotations

from ..accounts.models import User
from .models import Notification


def can_see_notification(user: User, notification: Notification | None) -> bool:
    return notification is not None and user.is_authenticated and notification.user_id == user.id


def can_edit_preferences(user: User) -> bool:
    """Every signed-in member sets their own preferences (the views only ever load their own)."""
    return user.is_authenticated and user.active
