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


def brief_fingerprint(position: Position, version: Version, signed: list[Cosignature] | None = None) -> str:
    """What the brief depends on besides the version: its status line, its signatories (``signed``
    when the caller has read them already), the paper."""
    names = [s.organization.name for s in (signatories(position) if signed is None else signed)]
    return _fingerprint(position, version.number, names, paper_size())


def _fingerprint(position: Position, number: int, names: list[str], paper: str) -> str:
    published = position.published_at.date().isoformat() if position.published_at else ""
    payload = json.dumps(
        [number, names, published, position.organization.name, paper, BRIEF_LAYOUT],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def brief_cache_key(position: Position, version: Version, cover: bool = False) -> str:
    return _cache_key(position.id, version.number, brief_fingerprint(position, version), cover)


def _cache_key(position_id: int, number: int, fingerprint: str, cover: bool) -> str:
    key = f"advocacy-brief:{position_id}:v{number}:{fingerprint}"
    return f"{key}:cover" if cover else key


def current_brief(position: Position, signed: list[Cosignature] | None = None) -> TaskRecord | None:
    """The brief task for the latest version as it stands, with or without a cover (None if never asked)."""
    version = position.latest_version
    if version is None:
        return None
    # Not refreshed here (pages are read transactions): the status fragment, which polls while
    # the task is unfinished, notices an interrupted one and offers the retry.
    fingerprint = brief_fingerprint(position, version, signed)  # read once for both keys
    return latest_task(
        *(_cache_key(position.id, version.number, fingerprint, cover) for cover in (False, True))
    )


def current_briefs(positions: list[Position]) -> dict[int, TaskRecord | None]:
    """``current_brief`` of each position (the library's list), in three statements whatever
    their number: the signatories of all of them, their latest versions' numbers, then the tasks
    of all their keys."""
    names: dict[int, list[str]] = {p.id: [] for p in positions}
    if positions:
        for signature in db.session.scalars(
            sa.select(Cosignature)
            .where(Cosignature.position_id.in_(names), Cosignature.withdrawn_at.is_(None))
            .order_by(Cosignature.signed_at, Cosignature.id)
        ):
            names[signature.position_id].append(signature.organization.name)
    paper = paper_size() if positions else ""
    # The latest version's number is all a key needs: one statement, not the versions of each text.
    latest: dict[int, int] = {
        position_id: number
        for position_id, number in db.session.execute(
            sa.select(Version.position_id, sa.func.max(Version.number))
            .where(Version.position_id.in_(list(names)))
            .group_by(Version.position_id)
        )
    }
    keys: dict[str, int] = {}
    for position in positions:
        if position.id in latest:
            fingerprint = _fingerprint(position, latest[position.id], names[position.id], paper)
            for cover in (False, True):
                keys[_cache_key(position.id, latest[position.id], fingerprint, cover)] = position.id
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
