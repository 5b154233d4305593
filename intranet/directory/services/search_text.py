"""The words a search matches, folded once at save time (``intranet.text.fold``).

Labels go in both languages, so « interprète » and « interpreter » find the same record, and
languages by their French name, English name and code.
"""

from __future__ import annotations

import re

from flask_babel import force_locale

from ...text import fold
from .. import vocab

_SPACES = re.compile(r"\s+")


def _both(labels) -> list[str]:
    words: list[str] = []
    for locale in ("fr", "en"):
        with force_locale(locale):
            words.extend(str(label) for label in labels)
    return words


def language_words(codes) -> list[str]:
    words: list[str] = []
    for code in codes:
        names = vocab.LANGUAGES.get(code)
        if names:
            words.extend(names)
        words.append(code)
    return words


def compose(*parts) -> str:
    text = " ".join(str(p) for p in parts if p)
    return _SPACES.sub(" ", fold(text)).strip()


def profile_text(profile, organization, region_names: list[str]) -> str:
    group = vocab.sector_group(organization.sector.value)
    return compose(
        organization.name,
        organization.town,
        *region_names,
        *_both([vocab.SECTOR_LABELS[group]]),
        *_both([vocab.STEP_LABELS[vocab.Step(s)] for s in profile.steps]),
        *_both([vocab.APPROACH_LABELS[a] for a in profile.approaches if a in vocab.APPROACH_LABELS]),
        *language_words(profile.languages),
        profile.description,
        profile.services_details,
        profile.accessibility,
    )


def resource_text(resource, region_names: list[str]) -> str:
    kind = vocab.Kind(resource.kind) if resource.kind in {k.value for k in vocab.Kind} else vocab.Kind.OTHER
    extra = []
    if kind == vocab.Kind.INTERPRETING:
        extra = ["interprète interprétation interprétariat interpreter interpreting interpretation"]
    return compose(
        resource.name,
        resource.provider,
        *_both([vocab.KIND_LABELS[kind]]),
        *extra,
        *region_names,
        *_both([vocab.COVERAGE_LABELS[vocab.Coverage(resource.coverage)]]),
        *_both([vocab.MODALITY_LABELS[m] for m in resource.modalities]),
        *language_words(resource.languages),
        resource.description,
        resource.training_by,
    )
