"""Accounts' pages, on one blueprint: ``signing_in`` (the password, the second factor or its first
enrolment, signing out, the quick exit) and ``links`` (forgotten password, reset, invitation) for
whoever is not signed in yet; ``account`` (name, language, password, other sessions) and
``second_factor`` (turning two-factor sign-in on or off, recovery codes) for the person's own
account. ``loader`` is Flask-Login's user loader (the server-side session behind the cookie);
``common`` holds the blueprint and what the pages share (starting a session)."""

from __future__ import annotations

from . import account, links, loader, second_factor, signing_in  # noqa: F401  (registers the routes and the loader)
from .common import PENDING_KEY, SESSION_KEY, bp

__all__ = ["PENDING_KEY", "SESSION_KEY", "bp"]
