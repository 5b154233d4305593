"""Who the request is from: Flask-Login's loader reads the server-side session record behind the
cookie, ends what has expired, and keeps the idle timer of a person's own requests."""

from __future__ import annotations

import sqlalchemy as sa
from flask import session

from ...database import separate_write
from ...extensions import db, login_manager
from ...urls import is_background
from .. import services
from ..models import User, UserSession
from .common import SESSION_KEY


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        uid = int(user_id)
    except ValueError:
        return None
    record = services.load_session(session.get(SESSION_KEY), uid)
    if record is None or not record.user.active:
        _forget_cookie()
        return None
    if record.user.two_factor_required and not record.user.two_factor_enabled:
        return None  # a session from before two-factor sign-in became required for this role
    # Only a person's action keeps the session alive: a region refreshing itself does not.
    if not is_background() and services.touch_session(record):
        # Refresh the idle timer in its own short write transaction.
        seen = record.last_seen_at
        db.session.expire(record)  # not written by this read transaction, but by the one below
        with separate_write():
            db.session.execute(
                sa.update(UserSession).where(UserSession.id == record.id).values(last_seen_at=seen)
            )
        return db.session.get(User, uid)
    return record.user


def _forget_cookie() -> None:
    """The session ended (idle, timed out, signed out elsewhere): the cookie goes too, once."""
    if SESSION_KEY in session:
        lang = session.get("lang")
        session.clear()
        if lang:
            session["lang"] = lang
