"""What the library's pages share: the blueprint, the page's language, loading a practice the
visitor may see, the library's filters, and what changed between two versions."""

from __future__ import annotations

from flask import Blueprint, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ...accounts.models import Sector
from ...diff import FieldDiff, field_diff, list_field
from ...params import int_arg
from ...security import require, require_row
from .. import policy, services
from ..labels import label as practice_label
from ..models import Approach, Practice

bp = Blueprint("practices", __name__, url_prefix="/pratiques")


def page_locale() -> str:
    return str(get_locale() or "fr")


def load_visible(practice_id: int) -> Practice:
    practice = require_row(Practice, practice_id)
    require(policy.can_view(current_user, practice))
    return practice


def library_filters() -> services.Filters:
    approach = request.args.get("approach") or None
    sector = request.args.get("sector") or None
    return services.Filters(
        q=(request.args.get("q") or "")[:200],
        theme_id=int_arg("theme"),
        approach=approach if approach in Approach.__members__.values() else None,
        sector=sector if sector in Sector.__members__.values() else None,
        region_id=int_arg("region"),
        organization_id=int_arg("org"),
    )


def changes_between(old, new) -> list[FieldDiff]:
    """Every part that differs between two versions (old may be None), the body as formatted text."""

    def get(obj, name, default=""):
        return (getattr(obj, name, None) or default) if obj is not None else default

    parts = [
        field_diff("title", _("Titre"), get(old, "title"), get(new, "title")),
        field_diff("summary", _("Résumé"), get(old, "summary"), get(new, "summary")),
        field_diff("audience", _("Public visé"), get(old, "audience"), get(new, "audience")),
        field_diff("body", _("Description"), get(old, "body"), get(new, "body"), markdown=True),
    ]
    before, after = get(old, "details", {}), get(new, "details", {})
    labels = {"themes": _("Thèmes"), "approaches": _("Approches"), "sectors": _("Secteurs concernés")}
    for key, label in labels.items():
        shown = key != "themes"  # stored values of approaches and sectors get their words
        old_items = [practice_label(v) if shown else v for v in before.get(key) or []]
        new_items = [practice_label(v) if shown else v for v in after.get(key) or []]
        parts.append(list_field(key, label, old_items, new_items))
    for key, label in (("region", _("Région")), ("visibility", _("Qui peut la lire"))):
        old_v, new_v = before.get(key), after.get(key)
        if key == "visibility":
            old_v, new_v = (
                (practice_label(old_v) if old_v else None),
                (practice_label(new_v) if new_v else None),
            )
        parts.append(list_field(key, label, [old_v] if old_v else [], [new_v] if new_v else []))
    return [part for part in parts if part.changed]
