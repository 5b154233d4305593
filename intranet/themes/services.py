"""The themes list: read by every feature that tags what it holds, managed by staff in one place."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

import sqlalchemy as sa
from blinker import Namespace
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..text import slugify
from .models import Theme

_signals = Namespace()
# Sent after a theme's names changed (sender: the theme's id): features that index theme names
# (the practices' full-text search) index again what carries it.
theme_renamed = _signals.signal("theme-renamed")


class ThemeError(Exception):
    """A change to the list that cannot be made; the message is for the person."""


def list_themes(active_only: bool = True) -> list[Theme]:
    query = sa.select(Theme).order_by(Theme.name_fr)
    if active_only:
        query = query.where(Theme.active.is_(True))
    return list(db.session.scalars(query))


def sort_by_label(themes: Iterable[Theme], locale: str | None = None) -> list[Theme]:
    return sorted(themes, key=lambda t: _folded(t.label(locale)))


def choices(kept: Iterable[int] = (), locale: str | None = None) -> list[tuple[int, str]]:
    """(id, name) of the themes a form offers: the active ones, plus the retired ones the object
    already carries (kept ids), so that saving it again does not drop them."""
    kept = set(kept)
    themes = [t for t in list_themes(active_only=False) if t.active or t.id in kept]
    return [(t.id, t.label(locale)) for t in sort_by_label(themes, locale)]


def by_ids(ids: Iterable[int]) -> list[Theme]:
    wanted = {int(i) for i in ids}
    if not wanted:
        return []
    return list(db.session.scalars(sa.select(Theme).where(Theme.id.in_(wanted)).order_by(Theme.name_fr)))


def resolve(ids: Iterable[int], kept: Iterable[int] = ()) -> list[Theme]:
    """The themes a form chose: every id must be an active theme or one the object already has."""
    wanted = {int(i) for i in ids}
    themes = by_ids(wanted)
    allowed = {t.id for t in themes if t.active} | set(kept)
    if len(themes) != len(wanted) or not wanted <= allowed:
        raise ThemeError(_l("Thème inconnu."))
    return themes


def by_slug(slugs: Iterable[str]) -> dict[str, Theme]:
    slugs = list(slugs)
    return {t.slug: t for t in db.session.scalars(sa.select(Theme).where(Theme.slug.in_(slugs)))}


def ensure(names: Iterable[tuple[str, str]]) -> dict[str, Theme]:
    """The themes named (French, English), added when missing; by French name. For demo data."""
    existing = {t.name_fr: t for t in db.session.scalars(sa.select(Theme))}
    for name_fr, name_en in names:
        if name_fr not in existing:
            existing[name_fr] = Theme(name_fr=name_fr, name_en=name_en, slug=_free_slug(name_fr))
            db.session.add(existing[name_fr])
            db.session.flush()
    return existing


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _free_slug(name: str, own_id: int | None = None) -> str:
    base = slugify(name, max_length=110) or "theme"
    slug, n = base, 2
    while db.session.scalar(sa.select(Theme.id).where(Theme.slug == slug, Theme.id != (own_id or 0))):
        slug, n = f"{base}-{n}", n + 1
    return slug


def save_theme(user, theme: Theme | None, name_fr: str, name_en: str) -> Theme:
    """Add a theme or rename one. Names are unique in French, whatever the case and accents."""
    if not user.is_staff:
        raise ThemeError(_l("Seule l’équipe du réseau gère les thèmes."))
    name_fr, name_en = name_fr.strip(), name_en.strip()
    own_id = theme.id if theme else 0
    folded = _folded(name_fr)
    # Compared in Python: SQLite's lower() leaves accented capitals alone ("Évaluation").
    if any(
        _folded(n) == folded for n in db.session.scalars(sa.select(Theme.name_fr).where(Theme.id != own_id))
    ):
        raise ThemeError(_l("Ce thème existe déjà."))
    renamed = theme is not None and (theme.name_fr, theme.name_en) != (name_fr, name_en)
    try:
        with db.session.begin_nested():  # the unique name is the last word (two staff at once)
            if theme is None:
                theme = Theme(name_fr=name_fr, name_en=name_en, slug=_free_slug(name_fr))
                db.session.add(theme)
            else:
                theme.name_fr, theme.name_en = name_fr, name_en
            db.session.flush()
    except sa.exc.IntegrityError as exc:
        raise ThemeError(_l("Ce thème existe déjà.")) from exc
    if renamed:
        theme_renamed.send(theme.id)
    return theme


def toggle_theme(user, theme: Theme) -> Theme:
    """Retire a theme from the choices (what carries it keeps it), or bring it back."""
    if not user.is_staff:
        raise ThemeError(_l("Seule l’équipe du réseau gère les thèmes."))
    theme.active = not theme.active
    db.session.flush()
    return theme
