"""Redaction that really removes: one service for every kind of text (see ``registry``).

The text is replaced by a neutral mark in the rows themselves (the object, and the other
versions and current text that hold it), in the copies that sit elsewhere (emails in the
outbox, notification titles), and derived data follows: the feature's ``after`` hook rebuilds
its search index entry, and files made from the text (PDFs, exports) are deleted after the
commit and their tasks forgotten, so the next request makes them anew. The audit log says who
redacted which object and when, never the text. Like every service: flushes, never commits.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from babel.dates import format_date
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.session import Session as FlaskSession
from markupsafe import escape

from .. import events
from ..accounts.models import User
from ..database import utcnow
from ..extensions import db
from ..network import network_zone
from ..tasks.models import TaskRecord
from ..tasks.services import enqueue_after_commit
from . import matching, policy
from .registry import RedactableKind, get_kind, registry

log = logging.getLogger(__name__)

MIN_PASSAGE = 3  # characters: « Léa » is a name
MAX_PASSAGE = 2000
_FILES_KEY = "passerelle_redaction_files"


class RedactionError(Exception):
    """The redaction was refused; the message is for the person."""


@dataclass
class Outcome:
    rows: int  # rows of the feature's tables changed (the object included)
    copies: int  # emails and notifications changed
    files: int  # cached files deleted after the commit


def mark_text(now: datetime | None = None) -> str:
    """The neutral mark that takes the text's place: « Passage retiré le 6 décembre 2026 ».

    Stored data, written once for every reader, so in the network's language."""
    zone = network_zone()
    day = (now or utcnow()).astimezone(zone).date()
    locale = current_app.config.get("BABEL_DEFAULT_LOCALE", "fr")
    return f"« Passage retiré le {format_date(day, 'long', locale=locale)} »"


def is_mark(value: str) -> bool:
    value = matching.normalize(value)
    return value.startswith("« Passage retiré le ") and value.endswith("»") and len(value) < 60


def _values(row, fields: tuple[str, ...]) -> list[str]:
    found = []
    for name in fields:
        value = getattr(row, name)
        items = value if isinstance(value, list) else [value]
        found += [item for item in items if isinstance(item, str) and item.strip() and not is_mark(item)]
    return found


def _set_whole(row, fields: tuple[str, ...], removed: set[str], mark: str, *, every: bool) -> bool:
    """Replace by ``mark`` each field (or list item) of ``row`` that is one of ``removed``
    (``every``: each non-empty one)."""
    changed = False
    for name in fields:
        value = getattr(row, name)
        if isinstance(value, list):
            items = [
                mark
                if isinstance(item, str) and item.strip() and (every or matching.normalize(item) in removed)
                else item
                for item in value
            ]
            if items != value:
                setattr(row, name, items)
                changed = True
        elif isinstance(value, str) and value.strip() and not is_mark(value):
            if every or matching.normalize(value) in removed:
                setattr(row, name, mark)
                changed = True
    return changed


def _scrub_row(row, fields: tuple[str, ...], patterns, mark: str) -> bool:
    changed = False
    for name in fields:
        value = getattr(row, name)
        if isinstance(value, list):
            items = [
                matching.scrub(item, patterns, mark)[0] if isinstance(item, str) else item for item in value
            ]
            if items != value:
                setattr(row, name, items)
                changed = True
        elif isinstance(value, str):
            new, count = matching.scrub(value, patterns, mark)
            if count:
                setattr(row, name, new)
                changed = True
    return changed


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _scrub_copies(needles: list[str], mark: str) -> tuple[int, set[str]]:
    """Replace the needles in every registered copy column (emails, notification titles).

    Candidates are found by their first words (as stored, or escaped in HTML), then each is
    checked and rewritten in Python (spacing, escaping and shortened copies)."""
    patterns = [p for p in (matching.pattern(n, shortened=True) for n in needles) if p is not None]
    changed: dict[tuple[type, object], object] = {}
    tables: set[str] = set()
    for copy in registry().copies:
        column = copy.column
        model = column.class_
        probes = set()
        for needle in needles:
            head = " ".join(needle.split()[: matching.MIN_PREFIX_WORDS])
            probes |= {head, str(escape(head))} if copy.html else {head}
        if not probes:
            continue
        rows = db.session.scalars(
            sa.select(model).where(sa.or_(*(column.like(_like(p), escape="\\") for p in probes)))
        ).all()
        for row in rows:
            value = getattr(row, column.key)
            if not isinstance(value, str):
                continue
            new, count = matching.scrub(value, patterns, str(escape(mark)) if copy.html else mark)
            if count:
                setattr(row, column.key, new)
                changed[(model, sa.inspect(row).identity)] = row
                tables.add(model.__tablename__)
    return len(changed), tables


def _forget_cached(kind: RedactableKind, obj) -> int:
    """Forget the tasks whose results were made from the text and delete their files after the
    commit (a rollback keeps both), with the files the feature names by pattern."""
    instance = Path(current_app.instance_path).resolve()
    paths: set[Path] = set()
    prefixes = kind.cache_keys(obj)
    if prefixes:
        tasks = db.session.scalars(
            sa.select(TaskRecord).where(
                sa.or_(*(TaskRecord.cache_key.like(_like(p)[1:], escape="\\") for p in prefixes))
            )
        ).all()
        for task in tasks:
            if task.result_path:
                paths.add(instance / task.result_path)
            db.session.delete(task)
    for pattern in kind.cached_files(obj):
        paths.update(instance.glob(pattern))
    safe = {p.resolve() for p in paths if instance in p.resolve().parents}
    db.session.info.setdefault(_FILES_KEY, set()).update(safe)
    return sum(1 for p in safe if p.is_file())


@sa.event.listens_for(FlaskSession, "after_commit")
def _delete_files(session) -> None:
    for path in session.info.pop(_FILES_KEY, ()):
        try:
            path.unlink(missing_ok=True)
        except OSError:
            log.exception("could not delete the cached file %s after a redaction", path.name)


@sa.event.listens_for(FlaskSession, "after_rollback")
def _keep_files(session) -> None:
    session.info.pop(_FILES_KEY, None)


def load(kind_name: str, object_id: int):
    """(kind, object), or (None, None) when either does not exist."""
    kind = get_kind(kind_name)
    if kind is None:
        return None, None
    return kind, db.session.get(kind.model, object_id)


def check_passage(kind: RedactableKind, obj, passage: str | None) -> str:
    """The passage as it will be looked for (spacing normalised), or "" for the whole text.
    Raises RedactionError when it is too short or not in the text."""
    passage = matching.normalize(passage)
    if not passage:
        if not _values(obj, kind.fields):
            raise RedactionError(_l("Ce texte a déjà été retiré."))
        return ""
    if len(passage) < MIN_PASSAGE:
        raise RedactionError(_l("Le passage doit compter au moins %(n)s caractères.", n=MIN_PASSAGE))
    if len(passage) > MAX_PASSAGE:
        raise RedactionError(_l("Le passage compte au plus %(n)s caractères.", n=MAX_PASSAGE))
    compiled = matching.pattern(passage)
    if compiled is None or not any(compiled.search(value) for value in _values(obj, kind.fields)):
        raise RedactionError(
            _l(
                "Ce passage ne figure pas tel quel dans ce texte : copiez-le depuis le texte affiché plus bas."  # noqa: E501
            )
        )
    return passage


def redact(
    user: User, kind_name: str, obj, passage: str | None = None, *, now: datetime | None = None
) -> Outcome:
    """Remove a passage (or, without one, the whole text) of ``obj`` for good; see the module."""
    kind = get_kind(kind_name)
    if kind is None or obj is None or not policy.can_redact(user, kind, obj):
        raise RedactionError(_l("Vous ne pouvez pas retirer ce texte."))
    passage = check_passage(kind, obj, passage)
    mark = mark_text(now)
    related = [(row, fields) for row, fields in kind.related(obj) if row is not obj]
    changed = []
    if passage:
        needles = [passage]
        patterns = [p for p in [matching.pattern(passage)] if p is not None]  # check_passage: one
        for row, fields in [(obj, kind.fields), *related]:
            if _scrub_row(row, fields, patterns, mark):
                changed.append(row)
    else:
        needles = list(dict.fromkeys(matching.normalize(v) for v in _values(obj, kind.fields)))
        removed = set(needles)
        _set_whole(obj, kind.fields, removed, mark, every=True)
        changed.append(obj)
        for row, fields in related:
            if _set_whole(row, fields, removed, mark, every=False):
                changed.append(row)
    db.session.flush()
    kind.after(obj, changed)
    copies, tables = _scrub_copies(needles, mark)
    files = _forget_cached(kind, obj)
    db.session.flush()
    tables |= {row.__table__.name for row in changed}
    events.audit.send(
        None,
        action="content.redacted",
        actor_id=user.id,
        organization_id=kind.organization_id(obj),
        target_type=kind.kind,
        target_id=obj.id,
        details={
            "scope": "passage" if passage else "whole",
            "rows": len(changed),
            "copies": copies,
            "files": files,
        },
    )
    # Old row versions (PostgreSQL) are reclaimed now rather than whenever autovacuum passes.
    enqueue_after_commit("jobs.redaction.vacuum", sorted(tables), queue="default")
    return Outcome(rows=len(changed), copies=copies, files=files)
