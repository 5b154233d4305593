"""What can be redacted: each feature registers its kinds of text, and the columns where copies
of text may sit (emails in the outbox, notification titles).

The registry lives in ``app.extensions["redaction"]``; features fill it from their ``init_app``
(``register_kind``, ``register_copy``), so this package never imports a feature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app


@dataclass(frozen=True)
class RedactableKind:
    """One kind of text people write that can be redacted.

    * ``fields``: the text columns of ``model`` (a JSON list of strings is allowed: each item).
    * ``can_view(user, obj)``: whether the person may see the object (and its history); a
      redaction is offered only on what one sees.
    * ``authors(obj)``: ids of the accounts that wrote it (they may redact it; so may staff).
    * ``organization_id(obj)``: the owning organization (audit log).
    * ``related(obj)``: other rows that may hold the same text, as (row, fields): later and earlier
      versions, the current text. A passage removed from the object is removed from them too.
    * ``after(obj, changed_rows)``: keep derived data in line (search index, version counters).
    * ``cache_keys(obj)``: prefixes of ``TaskRecord.cache_key`` whose results (PDFs, exports)
      were made from this text; their files are deleted and the tasks forgotten, so the next
      request makes them anew.
    * ``cached_files(obj)``: glob patterns under ``instance/`` of files made from it, for files a
      task row no longer names.
    * ``back(obj)``: the URL of the page where the object is shown (after the redaction).
    * ``label`` / ``description(obj)``: what it is, for the confirmation page.
    """

    kind: str
    model: type
    fields: tuple[str, ...]
    label: Any
    can_view: Callable[[Any, Any], bool]
    authors: Callable[[Any], set[int | None]]
    organization_id: Callable[[Any], int | None]
    back: Callable[[Any], str]
    description: Callable[[Any], str]
    related: Callable[[Any], list[tuple[Any, tuple[str, ...]]]] = lambda obj: []
    after: Callable[[Any, list[Any]], None] = lambda obj, rows: None
    cache_keys: Callable[[Any], list[str]] = lambda obj: []
    cached_files: Callable[[Any], list[str]] = lambda obj: []


@dataclass(frozen=True)
class Copy:
    """A column where copies of people's text may sit (an email body, a notification title)."""

    column: Any  # an InstrumentedAttribute, e.g. OutboxMessage.body_text
    html: bool = False  # the copy is HTML: the text sits there escaped


@dataclass
class Registry:
    kinds: dict[str, RedactableKind] = field(default_factory=dict)
    copies: list[Copy] = field(default_factory=list)


def registry(app: Flask | None = None) -> Registry:
    app = app or current_app
    return app.extensions.setdefault("redaction", Registry())


def register_kind(app: Flask, kind: RedactableKind) -> None:
    registry(app).kinds[kind.kind] = kind


def register_copy(app: Flask, column, *, html: bool = False) -> None:
    copies = registry(app).copies
    if all(c.column is not column for c in copies):
        copies.append(Copy(column, html))


def get_kind(name: str) -> RedactableKind | None:
    return registry().kinds.get(name)
