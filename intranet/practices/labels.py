"""Words shown for the stored values (statuses, approaches, sectors, visibility)."""

from __future__ import annotations

from functools import lru_cache

from flask_babel import format_date, get_locale, to_user_timezone
from flask_babel import lazy_gettext as _l

LABELS = {
    "draft": _l("Brouillon"),
    "published": _l("Publiée"),
    "archived": _l("Archivée"),
    "withdrawn": _l("Retirée par la modération"),
    "network": _l("Tout le réseau"),
    "organization": _l("Mon organisme seulement"),
    "feminist": _l("Féministe"),
    "intercultural": _l("Interculturelle"),
    "intersectional": _l("Intersectionnelle"),
    "shelter": _l("Maison d’hébergement"),
    "violence": _l("Secteur violence"),
    "immigration": _l("Secteur immigration (organisme pont)"),
    "other": _l("Autre"),
}


def label(value) -> str:
    value = getattr(value, "value", value)
    return str(LABELS.get(value, value))


def short_date(value) -> str:
    """« 25 nov. 2026 » in the network's time zone; cached, since lists repeat few dates."""
    if value is None:
        return ""
    return _formatted(to_user_timezone(value).date(), str(get_locale() or "fr"))


@lru_cache(maxsize=4096)
def _formatted(day, locale: str) -> str:
    return format_date(day, "medium")
