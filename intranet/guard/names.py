"""Names the guard must not flag: member organizations, the network's people, regions, towns and
public bodies. Built from the database and a static list, kept on ``app.extensions`` for
``GUARD_ALLOW_TTL`` seconds (0 in tests: always fresh), and extended by features that hold other
public names (a directory of resources...) through ``register_allowed_names``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context

from ..accounts.models import Organization, Region, User
from ..extensions import db
from .engine import AllowList

_KEY = "guard_allowed_names"


def _public_names() -> list[str]:
    path = Path(__file__).parent / "data" / "public_names.txt"
    return [
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


def _database_names() -> Iterable[str]:
    yield from db.session.scalars(sa.select(Organization.name))
    yield from db.session.scalars(sa.select(Organization.town).distinct())
    yield from db.session.scalars(sa.select(Region.name))
    yield from db.session.scalars(sa.select(User.name).where(User.active.is_(True), User.closed_at.is_(None)))


def init_app(app: Flask) -> None:
    app.config.setdefault("GUARD_ALLOW_TTL", 0 if app.testing else 300)
    app.extensions[_KEY] = {"sources": [_database_names], "list": None, "built_at": 0.0}


def register_allowed_names(app: Flask, source: Callable[[], Iterable[str]]) -> None:
    """A feature adds public names (called in an app context, inside a request or a job)."""
    app.extensions[_KEY]["sources"].append(source)
    forget_allowed_names(app)


def forget_allowed_names(app: Flask | None = None) -> None:
    state = (app or current_app).extensions.get(_KEY)
    if state is not None:
        state["list"] = None


def allowed_names() -> AllowList | None:
    """The allow-list of the current app, rebuilt when older than ``GUARD_ALLOW_TTL``."""
    if not has_app_context():
        return None
    state = current_app.extensions.get(_KEY)
    if state is None:
        return None
    now = time.monotonic()
    if state["list"] is None or now - state["built_at"] >= current_app.config["GUARD_ALLOW_TTL"]:
        phrases = list(_public_names())
        for source in state["sources"]:
            phrases.extend(name for name in source() if name)
        state["list"] = AllowList(phrases)
        state["built_at"] = now
    return state["list"]
