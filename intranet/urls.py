"""Small URL helpers shared by the views."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request, session

RETURN_KEY = "return_to"


def safe_next(target: str | None, default: str) -> str:
    """Only same-site relative paths are followed after sign-in (no open redirect)."""
    if not target:
        return default
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
    ):
        return default
    return target


def remember_return_path(path: str) -> None:
    """Where to go after signing in, kept in the session: an intranet path never travels in a
    query string (``?next=``), where it would stay in the browser's history after a quick exit."""
    if safe_next(path, ""):
        session[RETURN_KEY] = path


def take_return_path(default: str) -> str:
    return safe_next(session.pop(RETURN_KEY, None), default)


def wants_fragment() -> bool:
    """An htmx request that swaps part of the page (a boosted navigation wants the whole page)."""
    htmx = getattr(request, "htmx", None)  # htmx-flask's details, falsy without HX-Request
    if not htmx:
        return False
    return not htmx.boosted and not htmx.history_restore_request


# Sent by app.js on requests no person asked for (a region refreshing itself, the counter following
# an event): they must not keep a session alive, nor be answered with what did not change.
BACKGROUND_HEADER = "X-Background"


def is_background() -> bool:
    """A request made by the page on its own, not by the person's action."""
    return request.headers.get(BACKGROUND_HEADER) == "1"


def external_url(endpoint: str, **values) -> str:
    """The absolute address of a page, for emails and feeds: built on the configured public
    address (``SERVER_NAME_FOR_EMAIL``) from the URL map alone, so it works the same in a request,
    a job or the CLI, and never pushes a second request context (whose teardown would run in the
    middle of the current request's transaction)."""
    base = urlsplit(current_app.config["SERVER_NAME_FOR_EMAIL"].rstrip("/"))
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)
