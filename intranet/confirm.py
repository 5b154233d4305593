"""Confirm what cannot be undone: one mechanism for every destructive action.

A destructive route is decorated with ``@confirm_first(builder)``: a GET answers the confirmation
(what will happen, and the form that does it), a POST acts. ``builder(**view_args)`` loads the
object as the view does (with its checks) and returns a :class:`Confirmation`.

In pages, the macro ``confirm_button`` (``templates/_confirm.html``) renders a small GET form to
the route: without JavaScript it leads to the confirmation page; ``static/js/app.js`` loads the
same confirmation as a fragment into a native ``<dialog>`` (and, when the button belonged to an
htmx region, posts back into that region). ``tests/test_confirmations.py`` fails when a page
posts to a destructive route directly.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import render_template, request
from flask_wtf import FlaskForm

from .urls import wants_fragment


@dataclass
class Confirmation:
    question: str  # the heading: "Annuler votre inscription ?"
    consequence: str  # what will happen, plainly: "Votre place ira à la première personne..."
    action: str  # the button that acts: "Oui, annuler mon inscription"
    back: str  # where "Ne rien changer" leads
    form: FlaskForm | None = None  # what this step asks (a reason...), rendered with the button
    notes: list[str] = field(default_factory=list)  # more that the person should know


def confirmation_page(confirmation: Confirmation, status: int = 200):
    """The confirmation as a page, or as the fragment the dialog shows (htmx). The values the
    button carried (``?back=mine``...) travel on with the POST."""
    carried = {k: v for k, v in request.args.items() if k != "csrf_token"}
    if confirmation.form is not None:
        carried = {k: v for k, v in carried.items() if k not in confirmation.form}
    template = "confirm/_confirm.html" if wants_fragment() else "confirm/page.html"
    return render_template(template, c=confirmation, action_url=request.path, carried=carried), status


def confirm_first(builder: Callable[..., Confirmation]) -> Callable:
    """GET shows what will happen (``builder(**view_args)``), POST runs the view."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(**kwargs):
            if request.method == "GET":
                return confirmation_page(builder(**kwargs))
            return view(**kwargs)

        setattr(wrapper, "confirms", True)  # noqa: B010 (an attribute the type checker does not know)
        return wrapper

    return decorate


def is_confirmed_route(view: Callable | None) -> bool:
    return bool(getattr(view, "confirms", False))
