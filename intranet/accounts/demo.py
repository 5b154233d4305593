"""Demo accounts of the network team sign in with two factors, like real ones.

Their authenticator key is public (this is fictional demo data): add it to any authenticator app,
or print the current codes with ``flask --app wsgi demo-codes`` (development and testing only).
"""

from __future__ import annotations

import sqlalchemy as sa

from ..database import utcnow
from ..extensions import db
from .models import Role, User

DEMO_TOTP_SECRET = "PASSERELLEDEMOTOTPSECRETKEY23456"
DEMO_DOMAIN = "@demo.passerelle.example"


def enrol_demo_team() -> None:
    team = db.session.scalars(
        sa.select(User).where(User.email.endswith(DEMO_DOMAIN), User.role.in_([Role.STAFF, Role.ADMIN]))
    )
    for user in team:
        user.totp_secret = DEMO_TOTP_SECRET
        user.totp_enabled_at = utcnow()
    db.session.flush()
