"""What the home page shows: each feature registers a section that says what is new for a member."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..accounts.models import User


@dataclass(frozen=True)
class Section:
    order: int
    template: str
    provide: Callable[[User], dict | None]  # None: nothing to show for this member


_sections: list[Section] = []


def register_section(order: int, template: str, provide: Callable[[User], dict | None]) -> None:
    if any(s.template == template for s in _sections):
        return
    _sections.append(Section(order, template, provide))
    _sections.sort(key=lambda s: s.order)


def sections_for(user: User) -> list[tuple[str, dict]]:
    shown = []
    for section in _sections:
        context = section.provide(user)
        if context is not None:
            shown.append((section.template, context))
    return shown
