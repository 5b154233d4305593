"""Who may redact a text: the one place this rule lives.

Its authors, and the network's staff (the moderators), among those who can see it. Everyone
else, in the organization or outside it, gets 404 (nothing says the text exists: rule 3).
"""

from __future__ import annotations

from ..accounts.models import User
from .registry import RedactableKind


def can_redact(user: User, kind: RedactableKind, obj) -> bool:
    if not user.is_authenticated or not user.active or not kind.can_view(user, obj):
        return False
    return user.id in kind.authors(obj) or user.is_staff
