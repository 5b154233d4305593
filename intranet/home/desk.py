"""The staff desk: what waits for the network's team, each with its count and a link.

Features register what they know in ``init_app`` (``register_desk_item``), as they register home
sections: the desk never queries a feature's tables itself, and a new feature adds its line here
without touching the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app

from ..accounts.models import User
from ..security import allowed


@dataclass(frozen=True)
class DeskEntry:
    label: str
    url: str


@dataclass(frozen=True)
class Waiting:
    """One line of the desk: ``count`` things wait; ``label`` says so in words ("3 signalements")."""

    count: int | None  # None: it could not be counted (the label says why)
    label: str
    url: str
    link_text: str
    entries: list[DeskEntry] = field(default_factory=list)


@dataclass(frozen=True)
class DeskItem:
    order: int
    rule: str  # the lowest role that sees the line: "staff" or "admin"
    provide: Callable[[User], Waiting]


#: ``app.extensions[DESK]``: the desk's lines, by order.
DESK = "passerelle.desk"


def register_desk_item(app: Flask, order: int, rule: str, provide: Callable[[User], Waiting]) -> None:
    items = app.extensions.setdefault(DESK, [])
    if any(item.provide is provide for item in items):
        return
    items.append(DeskItem(order, rule, provide))
    items.sort(key=lambda item: item.order)


def desk_for(user: User) -> list[Waiting]:
    """What waits for this person; empty for anyone below the network's team."""
    if not user.is_staff:
        return []
    return [item.provide(user) for item in current_app.extensions.get(DESK, []) if allowed(item.rule, user)]
