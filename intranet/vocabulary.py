"""Words for the codes Passerelle stores: audit actions and their details, task kinds, queues,
mail statuses... One registry (``app.extensions["vocabulary"]``) that features fill from their
``init_app``, read wherever a code would otherwise reach a person (the audit log, the jobs page).

    register_words(app, "audit.action", {"space.seated": _l("Organisme ajouté à une table")})
    register_words(app, "audit.value.step", ACTION_LABELS)   # the values of one detail key
    word("audit.action", event.action)                       # the label, or the code if none

Families in use: ``audit.action``, ``audit.detail`` (detail keys), ``audit.value.<key>`` (the
values of one key), ``task.kind``, ``queue``, ``mail.status``, ``job``.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, current_app

_KEY = "vocabulary"


def register_words(app: Flask, family: str, words: Mapping[str, object]) -> None:
    """Add (or replace) the labels of ``family``'s codes; labels are lazy strings."""
    app.extensions.setdefault(_KEY, {}).setdefault(family, {}).update({str(k): v for k, v in words.items()})


def words(family: str) -> dict[str, object]:
    return dict(current_app.extensions.get(_KEY, {}).get(family, {}))


def known(family: str, code) -> bool:
    return str(code) in current_app.extensions.get(_KEY, {}).get(family, {})


def word(family: str, code, default: str | None = None) -> str:
    """The label of ``code`` in the reader's language; ``default`` (or the code itself) when unknown."""
    label = current_app.extensions.get(_KEY, {}).get(family, {}).get(str(code))
    if label is None:
        return str(code) if default is None else default
    return str(label)
