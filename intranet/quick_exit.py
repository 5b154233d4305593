"""The quick exit leaves nothing that Back, a reload or another tab could bring back (rule 4).

1. ``/sortie`` ends the session and sends ``Clear-Site-Data`` (cache, cookies, storage), then
   hands over to ``/sortie/fin`` (a second response: Chromium also clears a cookie set in the
   same response as that header).
2. ``/sortie/fin`` leaves a short-lived marker cookie and sends the browser to the neutral site.
3. While the marker lives, any request from that browser to the intranet (Back, a reload, an
   older tab still polling) goes to the neutral site instead of showing a page or the sign-in.
4. Every page is ``no-store`` (``security._headers``): Back asks the server again rather than
   showing a kept copy. With JavaScript, ``static/js/app.js`` also uses ``location.replace`` so
   the page left is not even in the history.
"""

from __future__ import annotations

from flask import Flask, current_app, redirect, request
from werkzeug.wrappers import Response

EXIT_ENDPOINTS = ("accounts.quick_exit", "accounts.quick_exit_done")


def _cookie_name() -> str:
    return current_app.config["QUICK_EXIT_COOKIE"]


def leave_marker(response: Response) -> Response:
    response.set_cookie(
        _cookie_name(),
        "1",
        max_age=current_app.config["QUICK_EXIT_MARKER_SECONDS"],
        path="/",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",  # sent when Back returns here from the neutral site (a top-level navigation)
    )
    return response


def to_neutral_site() -> Response:
    url = current_app.config["QUICK_EXIT_URL"]
    if getattr(request, "htmx", False):
        # A region still refreshing in another tab: the whole tab leaves too.
        response = current_app.response_class(status=200)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, code=303)


def _after_exit():
    """Right after a quick exit, this browser sees only the neutral site."""
    if request.cookies.get(_cookie_name()) is None:
        return None
    endpoint = request.endpoint or ""
    if endpoint in EXIT_ENDPOINTS or endpoint == "static" or endpoint.endswith(".static"):
        return None
    response = to_neutral_site()
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    # First of all the checks: nothing of the intranet, not even the sign-in page, answers.
    app.before_request_funcs.setdefault(None, []).insert(0, _after_exit)
