"""The PDF brief of a text: its cache key, asking a worker for it, who may see the task."""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...accounts.models import User
from ...briefs import latest_task, request_render, wait_for_render
from ...extensions import db
from ...network import paper_size
from ...tasks.models import TaskRecord
from .. import policy
from ..models import Cosignature, Position, Version
from .common import BRIEF_LAYOUT, BRIEF_TASK_KIND, AdvocacyError
from .reading import signatories


def brief_fingerprint(position: Position, version: Version) -> str:
    """What the brief depends on besides the version: its status line, its signatories, the paper."""
    return _fingerprint(position, version, [s.organization.name for s in signatories(position)], paper_size())


def _fingerprint(position: Position, version: Version, names: list[str], paper: str) -> str:
    published = position.published_at.date().isoformat() if position.published_at else ""
    payload = json.dumps(
        [version.number, names, published, position.organization.name, paper, BRIEF_LAYOUT],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def brief_cache_key(position: Position, version: Version, cover: bool = False) -> str:
    return _cache_key(position, version, brief_fingerprint(position, version), cover)


def _cache_key(position: Position, version: Version, fingerprint: str, cover: bool) -> str:
    key = f"advocacy-brief:{position.id}:v{version.number}:{fingerprint}"
    return f"{key}:cover" if cover else key


def current_brief(position: Position) -> TaskRecord | None:
    """The brief task for the latest version as it stands, with or without a cover (None if never asked)."""
    version = position.latest_version
    if version is None:
        return None
    # Not refreshed here (pages are read transactions): the status fragment, which polls while
    # the task is unfinished, notices an interrupted one and offers the retry.
    return latest_task(brief_cache_key(position, version), brief_cache_key(position, version, True))


def current_briefs(positions: list[Position]) -> dict[int, TaskRecord | None]:
    """``current_brief`` of each position (the library's list), in two statements whatever
    their number: the signatories of all of them, then the tasks of all their keys."""
    names: dict[int, list[str]] = {p.id: [] for p in positions}
    if positions:
        for signature in db.session.scalars(
            sa.select(Cosignature)
            .where(Cosignature.position_id.in_(names), Cosignature.withdrawn_at.is_(None))
            .order_by(Cosignature.signed_at, Cosignature.id)
        ):
            names[signature.position_id].append(signature.organization.name)
    paper = paper_size() if positions else ""
    keys: dict[str, int] = {}
    for position in positions:
        version = position.latest_version
        if version is not None:
            fingerprint = _fingerprint(position, version, names[position.id], paper)
            for cover in (False, True):
                keys[_cache_key(position, version, fingerprint, cover)] = position.id
    found: dict[int, TaskRecord | None] = dict.fromkeys(names)
    if keys:
        for task in db.session.scalars(
            sa.select(TaskRecord).where(TaskRecord.cache_key.in_(keys)).order_by(TaskRecord.id.desc())
        ):
            assert task.cache_key is not None  # selected by its cache key
            position_id = keys[task.cache_key]
            if found[position_id] is None:  # the newest, as latest_task
                found[position_id] = task
    return found


def request_brief(user: User, position: Position, *, cover: bool = False) -> TaskRecord:
    """Ask a worker for the PDF brief of the latest version; an unchanged version reuses its file.

    A failed render is not reused: asking again starts a new task (the old one stays for staff).
    ``cover``: a cover page of its own (a short text gets none unless asked).
    """
    version = position.latest_version
    if not policy.can_request_brief(user, position) or version is None:  # the policy asks for a version
        raise AdvocacyError(_l("Aucune version soumise : le dossier PDF n’est pas encore possible."))
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
