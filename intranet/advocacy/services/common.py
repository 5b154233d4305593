"""What every part of the advocacy rules shares: limits, the refusals, the data a form hands over,
the workflow's labels and reading the demands."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from ..models import Kind, Position

MAX_DEMANDS = 30
BRIEF_TASK_KIND = "advocacy_brief"
# Bumped when briefs are laid out anew, so files made the old way are not reused.
BRIEF_LAYOUT = 2


class AdvocacyError(Exception):
    """A refusal the user can read (French msgid, translated when shown)."""


class EditConflict(Exception):
    """Someone saved the text after the editor opened it; nothing was written."""

    def __init__(self, position: Position) -> None:
        super().__init__("edit conflict")
        self.position = position


@dataclass
class PositionData:
    kind: Kind
    title: str
    addressee: str = ""
    summary: str = ""
    body: str = ""
    demands: list[str] = field(default_factory=list)
    language: str = "fr"
    theme_ids: list[int] = field(default_factory=list)


ACTION_LABELS = {
    "submit": _l("Soumettre au réseau"),
    "resubmit": _l("Soumettre de nouveau"),
    "start_review": _l("Commencer la révision"),
    "request_changes": _l("Demander des modifications"),
    "approve": _l("Approuver"),
    "publish": _l("Publier"),
    "archive": _l("Archiver"),
}


def parse_demands(text: str | None) -> list[str]:
    """One demand per line; list markers typed out of habit ("1.", "-") are dropped."""
    demands = []
    for line in (text or "").splitlines():
        line = line.strip()
        for prefix in ("- ", "* ", "• "):
            if line.startswith(prefix):
                line = line[len(prefix) :].strip()
        head, dot, rest = line.partition(".")
        if dot and head.isdigit() and len(head) <= 2:
            line = rest.strip()
        if line:
            demands.append(line[:1000])
    return demands
