"""Signed unsubscribe links (RFC 8058): they work without signing in and cannot be forged.

The token holds only the member's random public id, signed with the application's secret key
under its own salt, so an invitation or reset token is never accepted here (nor the reverse).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from ..accounts.models import User
from ..extensions import db

SALT = "passerelle-digest-unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_unsubscribe_token(user: User) -> str:
    return _serializer().dumps({"u": user.public_id, "p": "digest"})


def read_unsubscribe_token(token: str) -> User | None:
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("p") != "digest" or not isinstance(data.get("u"), str):
        return None
    return db.session.scalar(sa.select(User).where(User.public_id == data["u"]))
