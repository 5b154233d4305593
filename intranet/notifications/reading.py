"""A notification is read when its object is opened, whichever feature shows it.

One request hook for every page, rather than a call in each feature's view: a notification is
about the object of the page it links to (``intranet.events.object_key``), so a GET of that page
(or of a page registered as showing the same object) by its member marks it read. Pages without
view arguments (home, lists, forms) show no one object and read nothing. The hook costs
nothing for a member without unread notifications (the header's count, kept on ``g``, says so)
and one indexed read otherwise; it writes only when there is something to mark, in a short
transaction of its own (a GET reads).
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import g, has_request_context, request
from flask_login import current_user

from ..database import separate_write
from ..urls import is_background
from . import services

log = logging.getLogger(__name__)


def unread_for_current_user() -> int:
    """The signed-in member's unread count, counted once per request (the header shows it)."""
    if not has_request_context() or not current_user or not current_user.is_authenticated:
        return 0
    cached = g.get("_notifications_unread")
    if cached is None:
        cached = g._notifications_unread = services.unread_count(current_user)
    return cached


def read_on_open() -> None:
    """``before_request``: the page about to be shown reads its member's notifications."""
    endpoint = request.endpoint
    if (
        request.method != "GET"
        or not endpoint
        or endpoint == "static"
        or endpoint.startswith("notifications.")
    ):
        return
    if is_background() or not current_user.is_authenticated:
        return
    values = request.view_args
    if not values:  # a list or a form, not the page of one object
        return
    if not unread_for_current_user() or not services.has_unread_about(current_user, endpoint, values):
        return
    try:
        with separate_write():
            services.mark_opened(current_user, endpoint, values)
    except sa.exc.OperationalError:
        # Reading is a courtesy: a page is never refused because the mark could not be written
        # (the database busy beyond its timeout); the next opening marks it.
        log.warning("could not mark notifications read on %s", endpoint, exc_info=True)
    g.pop("_notifications_unread", None)
