"""Finding what should not be written (DOMAIN rules 1, 2 and 8): contact details, addresses, people.

``scan(text)`` returns the findings in the order they appear, each with its place in the text so
that the form can show it marked in its context. The detection itself is ``engine.Detector``
(Presidio over spaCy's French pipeline, phonenumbers, and the recognizers of ``recognizers.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

from .engine import Detector
from .names import allowed_names

#: Every kind the guard can report, with its label for people (singular).
KIND_LABELS = {
    "phone": _l("numéro de téléphone"),
    "email": _l("adresse courriel"),
    "address": _l("adresse civique"),
    "postal_code": _l("code postal"),
    "person_name": _l("nom de personne"),
    "child": _l("prénom d’enfant avec son âge"),
    "honorific": _l("titre et nom de famille"),
    "birth_date": _l("date de naissance"),
    "health_number": _l("numéro d’assurance maladie"),
    "sin": _l("numéro d’assurance sociale"),
    "file_number": _l("numéro de dossier"),
}


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    excerpt: str

    @property
    def label(self):
        return KIND_LABELS.get(self.kind, self.kind)


@cache
def _shared_detector() -> Detector:
    return Detector()


def detector() -> Detector:
    """The detector, models loaded on first use; once per process, kept on ``app.extensions``."""
    if not has_app_context():
        return _shared_detector()
    found = current_app.extensions.get("guard_detector")
    if found is None:
        found = current_app.extensions["guard_detector"] = _shared_detector()
    return found


def scan(text: str | None) -> list[Finding]:
    """The findings in ``text``, in reading order; overlapping ones are reported once (the more
    specific kind). Names on the allow-list (member organizations, the network's people, public
    bodies) are not findings."""
    if not text or not text.strip():
        return []
    return [
        Finding(span.kind, span.start, span.end, text[span.start : span.end])
        for span in detector().find(text, allowed_names())
    ]


def in_context(text: str, finding: Finding, width: int = 40) -> tuple[str, str, str]:
    """(before, found, after): the finding with a few words around it, for showing it marked."""
    start = max(0, finding.start - width)
    end = min(len(text), finding.end + width)
    before = ("…" if start else "") + text[start : finding.start]
    after = text[finding.end : end] + ("…" if end < len(text) else "")
    return before, text[finding.start : finding.end], after
