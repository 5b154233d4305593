"""The app's objects by table, as features name them: a label, a link for a given reader, and
optionally their titles. One registry (``app.extensions["guard_objects"]``) read by the guard's
moderators' queue and by the audit log ("Texte de plaidoyer : <title>" linked, not
"advocacy_position 13").

    register_object(app, "practice", _l("Bonne pratique"), link, titles=titles)

``link(object_id, user)`` answers the object's URL for that reader, or None when the object is
gone or not theirs to see; ``titles(ids)`` answers ``{id: title}`` for many ids in one query.
Before the links of a table are asked, its rows are read in one statement (the mapped class of
that table, or ``model=`` when the name differs), so a ``link`` that looks its object up with
``db.session.get`` finds it loaded: a page of the audit log is not one statement per object.
A title is shown only with its link, so nobody reads the title of what they may not open.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import Flask, current_app

from .extensions import Model, db

if TYPE_CHECKING:
    from .accounts.models import User

_KEY = "guard_objects"


@dataclass(frozen=True)
class ObjectKind:
    label: object  # a lazy string
    link: Callable[[int, User], str | None]
    titles: Callable[[Sequence[int]], dict[int, str]] | None = None
    model: type | None = None


@dataclass(frozen=True)
class ObjectRef:
    table: str
    object_id: str
    label: str  # the kind of object ("Texte de plaidoyer"), or the table's name if unregistered
    title: str | None  # only when the reader may open it
    url: str | None


def register_object(
    app: Flask,
    table: str,
    label,
    link: Callable[[int, User], str | None],
    titles: Callable[[Sequence[int]], dict[int, str]] | None = None,
    *,
    model: type | None = None,
) -> None:
    app.extensions.setdefault(_KEY, {})[table] = ObjectKind(label, link, titles, model)


def _mapped(table: str) -> type | None:
    """The model class whose table has that name, if there is one."""
    for mapper in Model.registry.mappers:
        if getattr(mapper.local_table, "name", None) == table:
            return mapper.class_
    return None


def object_kinds() -> dict[str, ObjectKind]:
    return current_app.extensions.get(_KEY, {})


def describe_objects(refs: Iterable[tuple[str, object]], user) -> dict[tuple[str, str], ObjectRef]:
    """``{(table, str(id)): ObjectRef}`` for each (table, id): one ``titles`` call per table."""
    kinds = object_kinds()
    by_table: dict[str, set[str]] = {}
    for table, object_id in refs:
        if table and object_id is not None:
            by_table.setdefault(table, set()).add(str(object_id))
    described = {}
    for table, ids in by_table.items():
        kind = kinds.get(table)
        numeric = sorted(int(i) for i in ids if i.isdigit())
        titles = kind.titles(numeric) if kind and kind.titles and numeric else {}
        # Held until the links are made: the session keeps its rows only while something does.
        model = (kind.model or _mapped(table)) if kind else None
        loaded = _load(model, numeric) if model is not None and numeric else []
        for object_id in ids:
            url = kind.link(int(object_id), user) if kind and object_id.isdigit() else None
            described[(table, object_id)] = ObjectRef(
                table=table,
                object_id=object_id,
                label=str(kind.label) if kind else table,
                title=titles.get(int(object_id)) if url and object_id.isdigit() else None,
                url=url,
            )
        del loaded
    return described


def _load(model: type, ids: Sequence[int]) -> list[object]:
    key: sa.Column[Any] = sa.inspect(model).primary_key[0]
    return list(db.session.scalars(sa.select(model).where(key.in_(ids))))


def column_titles(column) -> Callable[[Sequence[int]], dict[int, str]]:
    """``titles`` read from one column of the object's table (``Practice.title``): one query."""
    model = column.class_

    def titles(ids: Sequence[int]) -> dict[int, str]:
        return {
            i: str(t) for i, t in db.session.execute(sa.select(model.id, column).where(model.id.in_(ids)))
        }

    return titles
