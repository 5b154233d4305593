"""The PDF brief of a text: its cache key, asking a worker for it, who may see the task."""

from __future__ import annotations

import hashlib
import json

from flask_babel import lazy_gettext as _l

from ...accounts.models import User
from ...briefs import latest_task, request_render, wait_for_render
from ...extensions import db
from ...network import paper_size
from ...tasks.models import TaskRecord
from .. import policy
from ..models import Position, Version
from .common import BRIEF_LAYOUT, BRIEF_TASK_KIND, AdvocacyError
from .reading import signatories


def brief_fingerprint(position: Position, version: Version) -> str:
    """What the brief depends on besides the version: its status line, its signatories, the paper."""
    names = [s.organization.name for s in signatories(position)]
    published = position.published_at.date().isoformat() if position.published_at else ""
    payload = json.dumps(
        [version.number, names, published, position.organization.name, paper_size(), BRIEF_LAYOUT],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def brief_cache_key(position: Position, version: Version, cover: bool = False) -> str:
    key = f"advocacy-brief:{position.id}:v{version.number}:{brief_fingerprint(position, version)}"
    return f"{key}:cover" if cover else key


def current_brief(position: Position) -> TaskRecord | None:
    """The brief task for the latest version as it stands, with or without a cover (None if never asked)."""
    version = position.latest_version
    if version is None:
        return None
    # Not refreshed here (pages are read transactions): the status fragment, which polls while
    # the task is unfinished, notices an interrupted one and offers the retry.
    return latest_task(brief_cache_key(position, version), brief_cache_key(position, version, True))


def request_brief(user: User, position: Position, *, cover: bool = False) -> TaskRecord:
    """Ask a worker for the PDF brief of the latest version; an unchanged version reuses its file.

    A failed render is not reused: asking again starts a new task (the old one stays for staff).
    ``cover``: a cover page of its own (a short text gets none unless asked).
    """
    if not policy.can_request_brief(user, position):
        raise AdvocacyError(_l("Aucune version soumise : le dossier PDF n’est pas encore possible."))
    version = position.latest_version
    return request_render(
        kind=BRIEF_TASK_KIND,
        func="jobs.advocacy.render_brief",
        args=[position.id, version.number, True] if cover else [position.id, version.number],
        user=user,
        organization_id=position.organization_id,
        cache_key=brief_cache_key(position, version, cover),
    )


def wait_for_brief(task: TaskRecord, seconds: float) -> TaskRecord:
    """See ``intranet.briefs.wait_for_render``."""
    return wait_for_render(task, seconds)


def can_see_brief_task(task: TaskRecord, user: User) -> bool:
    """Task access for briefs: whoever may see the position (and, for an older version, its history)."""
    try:
        position_id, number = int(task.args[0]), int(task.args[1])
    except (IndexError, TypeError, ValueError):
        return False
    position = db.session.get(Position, position_id)
    if position is None or not policy.can_view(user, position):
        return False
    latest = position.latest_version
    return (latest is not None and latest.number == number) or policy.can_view_history(user, position)
