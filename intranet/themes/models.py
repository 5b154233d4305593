"""The network's one list of themes, shared by practices, trainings and advocacy texts."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import get_locale
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model


class Theme(Model):
    """A theme the network works on. Staff add, rename and retire them; retired themes are no longer
    offered, but what carries one keeps it. ``slug`` is stable across renames (the demo and the
    migration find themes by it)."""

    __tablename__ = "theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name_fr: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name_en: Mapped[str] = mapped_column(sa.String(120))
    active: Mapped[bool] = mapped_column(default=True)

    def label(self, locale: str | None = None) -> str:
        if locale is None:
            try:
                locale = str(get_locale() or "fr")
            except RuntimeError:  # outside any application context
                locale = "fr"
        return self.name_en if str(locale).startswith("en") and self.name_en else self.name_fr

    @property
    def name(self) -> str:
        """The name in the reader's language."""
        return self.label()

    def __repr__(self) -> str:
        return f"<Theme {self.id} {self.slug}>"
