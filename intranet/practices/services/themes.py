"""The practices' themes: staff add, rename and retire them (a renamed theme is reindexed)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...accounts.models import User
from ...extensions import db
from ..models import PracticeTheme
from .common import PracticeError


def list_themes(active_only: bool = True) -> list[PracticeTheme]:
    query = sa.select(PracticeTheme).order_by(PracticeTheme.name_fr)
    if active_only:
        query = query.where(PracticeTheme.active.is_(True))
    return list(db.session.scalars(query))


def save_theme(user: User, theme: PracticeTheme | None, name_fr: str, name_en: str) -> PracticeTheme:
    if not user.is_staff:
        raise PracticeError(_l("Seule l’équipe du réseau gère les thèmes."))
    name_fr, name_en = name_fr.strip(), name_en.strip()
    clash = db.session.scalar(
        sa.select(PracticeTheme.id).where(
            # SQLite's lower() leaves accented capitals alone ("Évaluation"): compare exactly too.
            sa.or_(sa.func.lower(PracticeTheme.name_fr) == name_fr.lower(), PracticeTheme.name_fr == name_fr),
            PracticeTheme.id != (theme.id if theme else 0),
        )
    )
    if clash:
        raise PracticeError(_l("Ce thème existe déjà."))
    renamed = theme is not None and (theme.name_fr, theme.name_en) != (name_fr, name_en)
    try:
        with db.session.begin_nested():  # the unique name is the last word (two staff at once)
            if theme is None:
                theme = PracticeTheme(name_fr=name_fr, name_en=name_en)
                db.session.add(theme)
            else:
                theme.name_fr, theme.name_en = name_fr, name_en
            db.session.flush()
    except sa.exc.IntegrityError as exc:
        raise PracticeError(_l("Ce thème existe déjà.")) from exc
    if renamed:
        # Theme names are searchable words of every practice that has the theme.
        from ...tasks.services import enqueue_after_commit

        enqueue_after_commit("jobs.practices.reindex_theme", theme.id, queue="default")
    return theme


def toggle_theme(user: User, theme: PracticeTheme) -> PracticeTheme:
    """Retire a theme from the choices (practices keep it), or bring it back."""
    if not user.is_staff:
        raise PracticeError(_l("Seule l’équipe du réseau gère les thèmes."))
    theme.active = not theme.active
    db.session.flush()
    return theme
