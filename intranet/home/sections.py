"""What the home page shows: each feature registers a section that says what is new for a member."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app

from ..accounts.models import User


@dataclass(frozen=True)
class Section:
    order: int
    template: str
    provide: Callable[[User], dict | None]  # None: nothing to show for this member


#: ``app.extensions[SECTIONS]``: the home page's sections, by order.
SECTIONS = "passerelle.home_sections"


def register_section(app: Flask, order: int, template: str, provide: Callable[[User], dict | None]) -> None:
    sections = app.extensions.setdefault(SECTIONS, [])
    if any(s.template == template for s in sections):
        return
    sections.append(Section(order, template, provide))
    sections.sort(key=lambda s: s.order)


def sections_for(user: User) -> list[tuple[str, dict]]:
    shown = []
    for section in current_app.extensions.get(SECTIONS, []):
        context = section.provide(user)
        if context is not None:
            shown.append((section.template, context))
    return shown
