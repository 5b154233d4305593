"""What the directory's pages share: the blueprint, reading the filters' arguments, the labels
resolved once per language, loading a profile or a resource the visitor may see, and a resource's
page (shown again, with the note typed, when a note is refused)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, TypeVar

from flask import Blueprint, Response, render_template, request
from flask_babel import get_locale
from flask_login import current_user

from ...security import found, require, require_row
from .. import policy, vocab
from ..forms import NoteForm
from ..models import Profile, Resource
from ..services import profiles, resources

bp = Blueprint("directory", __name__)

Code = TypeVar("Code", bound=str)


def digits_arg(name: str) -> int | None:
    """A small positive number from the query string (nine digits at most), else None."""
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def choice_arg(name: str, allowed: Collection[str]) -> str | None:
    value = request.args.get(name) or None
    return value if value in allowed else None


def region_choices() -> list[tuple[int, str]]:
    return [(r.id, r.name) for r in profiles.regions_by_id().values()]


def _resolved(labels: Mapping[Code, Any]) -> dict[str, str]:
    return {value: str(label) for value, label in labels.items()}


# The labels resolved once per language (a list page looked up the same lazy strings, and the
# reader's locale, a hundred times).
_RESOLVED: dict[str, dict[str, object]] = {}


def labels() -> dict[str, object]:
    locale = str(get_locale() or "fr")
    known = _RESOLVED.get(locale)
    if known is None:
        names = {code: vocab.language_name(code, locale) for code in vocab.LANGUAGES}

        def language(code: str) -> str:
            return names.get(code, code)

        known = _RESOLVED[locale] = {
            "steps": _resolved(vocab.STEP_LABELS),
            "approaches": _resolved(vocab.APPROACH_LABELS),
            "sectors": _resolved(vocab.SECTOR_LABELS),
            "kinds": _resolved(vocab.KIND_LABELS),
            "coverages": _resolved(vocab.COVERAGE_LABELS),
            "modalities": _resolved(vocab.MODALITY_LABELS),
            "trainings": _resolved(vocab.TRAINING_LABELS),
            "language": language,
            "sector_group": vocab.sector_group,
        }
    return known


def download(body: str, name: str, mimetype: str) -> Response:
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def load_profile(organization_id: int) -> Profile:
    """An organization's profile (never the network's own), or the 404 that says nothing."""
    return found(profiles.get_profile(organization_id))


def load_resource(resource_id: int) -> Resource:
    resource = require_row(Resource, resource_id)
    require(policy.can_view_resource(current_user, resource))
    return resource


def show_resource(resource: Resource, *, note_form: NoteForm | None = None, status: int = 200):
    return render_template(
        "directory/resource.html",
        resource=resource,
        regions=profiles.regions_by_id(),
        reports=resources.open_reports(resource),
        notes=resources.notes(resource),
        note_form=note_form or NoteForm(),
        stale=resources.needs_verification(resource),
        can_edit=policy.can_edit_resource(current_user, resource),
        can_moderate=policy.can_moderate(current_user),
        can_delete_note=lambda note: policy.can_delete_note(current_user, note),
        **labels(),
    ), status
