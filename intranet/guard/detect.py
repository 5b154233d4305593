"""Finding what should not be written (DOMAIN rules 1, 2 and 8): contact details, addresses, people.

``scan(text)`` returns the findings in the order they appear, each with its place in the text so
that the form can show it marked in its context. The detectors are plain functions listed in
``DETECTORS``; a finding inside another one (a postal code inside an address) is kept once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

#: Every kind the guard can report, with its label for people (singular).
KIND_LABELS = {
    "phone": _l("numéro de téléphone"),
    "email": _l("adresse courriel"),
    "address": _l("adresse civique"),
    "postal_code": _l("code postal"),
}

_PHONE = re.compile(
    r"(?<![\w+])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\d)"
    r"|(?<![\w+])(?:\+33[\s.-]?|0)\d(?:[\s.-]?\d{2}){4}(?!\d)"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_STREET_WORDS = (
    r"rue|avenue|av\.|boulevard|boul\.|bd|chemin|ch\.|rang|route|place|allée|impasse|montée|côte|"
    r"street|st\.|road|rd\.|drive|dr\.|lane|blvd|avenue|ave\.?"
)
# The street's name runs to the end of the clause: a comma, a full stop, a line end or a digit
# (« 245, rue des Érables, Rimouski » keeps « 245, rue des Érables »).
_ADDRESS = re.compile(
    rf"(?<!\w)\d{{1,5}}(?:-\d{{1,5}})?,?\s+(?:{_STREET_WORDS})(?!\w)[ \t]+[^\W\d][^,.;:\n()\d]{{0,60}}",
    re.IGNORECASE,
)
_POSTAL = re.compile(r"\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ -]?\d[ABCEGHJ-NPRSTV-Z]\d\b", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    excerpt: str

    @property
    def label(self):
        return KIND_LABELS.get(self.kind, self.kind)


def _regex(kind: str, pattern: re.Pattern) -> Callable[[str], Iterator[Finding]]:
    def detect(text: str) -> Iterator[Finding]:
        for match in pattern.finditer(text):
            found = match.group(0).rstrip(" \t")
            yield Finding(kind, match.start(), match.start() + len(found), found)

    detect.__name__ = f"detect_{kind}"
    return detect


#: The detectors, in order of precedence when two findings overlap.
DETECTORS: list[Callable[[str], Iterator[Finding]]] = [
    _regex("email", _EMAIL),
    _regex("address", _ADDRESS),
    _regex("phone", _PHONE),
    _regex("postal_code", _POSTAL),
]


def scan(text: str | None) -> list[Finding]:
    """The findings in ``text``, in reading order; overlapping ones are reported once."""
    if not text:
        return []
    kept: list[Finding] = []
    for detect in DETECTORS:
        for finding in detect(text):
            if not any(finding.start < k.end and k.start < finding.end for k in kept):
                kept.append(finding)
    return sorted(kept, key=lambda f: f.start)


def in_context(text: str, finding: Finding, width: int = 40) -> tuple[str, str, str]:
    """(before, found, after): the finding with a few words around it, for showing it marked."""
    start = max(0, finding.start - width)
    end = min(len(text), finding.end + width)
    before = ("…" if start else "") + text[start : finding.start]
    after = text[finding.end : end] + ("…" if end < len(text) else "")
    return before, text[finding.start : finding.end], after
