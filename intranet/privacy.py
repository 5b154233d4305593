"""Spotting text that looks like personal information before it is published (DOMAIN rule 2)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

_PHONE = re.compile(
    r"(?<!\d)(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\d)|(?<!\d)0\d(?:[\s.-]?\d{2}){4}(?!\d)"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_STREET_WORDS = (
    r"rue|avenue|av\.|boulevard|boul\.|bd|chemin|ch\.|rang|route|place|allée|impasse|montée|côte|"
    r"street|st\.|road|rd\.|drive|dr\.|lane|blvd"
)
_ADDRESS = re.compile(rf"(?<!\w)\d{{1,5}}(?:-\d{{1,5}})?,?\s+(?:{_STREET_WORDS})\s+[\w'’-]+", re.IGNORECASE)
_POSTAL = re.compile(r"\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ -]?\d[ABCEGHJ-NPRSTV-Z]\d\b", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    kind: str  # "phone", "email", "address", "postal_code"
    excerpt: str

    @property
    def label(self):
        return {
            "phone": _l("numéro de téléphone"),
            "email": _l("adresse courriel"),
            "address": _l("adresse civique"),
            "postal_code": _l("code postal"),
        }[self.kind]


def find_personal_info(*texts: str | None) -> list[Finding]:
    findings: list[Finding] = []
    for text in texts:
        if not text:
            continue
        for kind, pattern in (
            ("email", _EMAIL),
            ("phone", _PHONE),
            ("address", _ADDRESS),
            ("postal_code", _POSTAL),
        ):
            for match in pattern.finditer(text):
                findings.append(Finding(kind, match.group(0)[:60]))
    return findings
